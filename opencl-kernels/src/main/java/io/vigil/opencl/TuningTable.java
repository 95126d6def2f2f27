package io.vigil.opencl;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Kernel tuning values per device, from the resource {@code kernels/tuning.txt}: one row per line,
 * {@code KEY | NAME=VALUE NAME=VALUE ...}. The {@code default} row applies to every device; a row
 * whose key occurs in the device name (ignoring case) then overrides single values. A user table
 * ({@link #userFile()}, written by {@link OpenClTuner}) in the same format comes first: its device
 * rows win over the shipped ones and its default row overrides the shipped default. The values
 * become {@code -DNAME=VALUE} build options of every program and are readable by the host (work
 * group sizes, GEMM blocking).
 */
final class TuningTable {

  static final String RESOURCE = "kernels/tuning.txt";

  private record Row(String key, Map<String, String> values) {}

  private final List<Row> rows;

  private TuningTable(List<Row> rows) {
    this.rows = rows;
  }

  /** The shipped table under the user's table, if there is one. */
  static TuningTable load() {
    TuningTable shipped = shipped();
    Path user = userFile();
    if (!Files.isRegularFile(user)) {
      return shipped;
    }
    try (BufferedReader reader = Files.newBufferedReader(user, StandardCharsets.UTF_8)) {
      return parse(reader, user.toString()).over(shipped);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the OpenCL tuning table " + user, e);
    }
  }

  /**
   * {@code -Dvigil.opencl.tuning}, else {@code $XDG_CONFIG_HOME/vigil/opencl-tuning.txt}, else
   * {@code ~/.config/vigil/opencl-tuning.txt}.
   */
  static Path userFile() {
    String configured = System.getProperty("vigil.opencl.tuning");
    if (configured != null) {
      return Path.of(configured);
    }
    String xdg = System.getenv("XDG_CONFIG_HOME");
    Path base =
        xdg != null && !xdg.isBlank()
            ? Path.of(xdg)
            : Path.of(System.getProperty("user.home"), ".config");
    return base.resolve("vigil").resolve("opencl-tuning.txt");
  }

  /** This table's rows ahead of {@code base}'s: device rows first, default rows applied last. */
  TuningTable over(TuningTable base) {
    List<Row> merged = new ArrayList<>();
    rows.stream().filter(r -> !r.key().equals("default")).forEach(merged::add);
    merged.addAll(base.rows);
    rows.stream().filter(r -> r.key().equals("default")).forEach(merged::add);
    return new TuningTable(List.copyOf(merged));
  }

  /** The table shipped with the module. */
  static TuningTable shipped() {
    try (InputStream in = TuningTable.class.getClassLoader().getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("resource " + RESOURCE + " is missing from the class path");
      }
      return parse(new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)), RESOURCE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + RESOURCE, e);
    }
  }

  static TuningTable parse(BufferedReader reader, String source) throws IOException {
    List<Row> rows = new ArrayList<>();
    String line;
    int number = 0;
    while ((line = reader.readLine()) != null) {
      number++;
      String text = line.strip();
      if (text.isEmpty() || text.startsWith("#")) {
        continue;
      }
      int bar = text.indexOf('|');
      if (bar < 0) {
        throw new IllegalArgumentException(
            source + " line " + number + ": expected 'KEY | NAME=VALUE ...', got: " + line);
      }
      Map<String, String> values = new LinkedHashMap<>();
      for (String pair : text.substring(bar + 1).trim().split("\\s+")) {
        int eq = pair.indexOf('=');
        if (eq <= 0) {
          throw new IllegalArgumentException(
              source + " line " + number + ": '" + pair + "' is not NAME=VALUE");
        }
        values.put(pair.substring(0, eq), pair.substring(eq + 1));
      }
      rows.add(new Row(text.substring(0, bar).trim().toLowerCase(Locale.ROOT), values));
    }
    return new TuningTable(List.copyOf(rows));
  }

  /** The values for a device: the default row, overridden by the first row that matches. */
  Map<String, String> valuesFor(String deviceName) {
    Map<String, String> values = new LinkedHashMap<>();
    String name = deviceName.toLowerCase(Locale.ROOT);
    for (Row row : rows) {
      if (row.key().equals("default")) {
        values.putAll(row.values());
      }
    }
    for (Row row : rows) {
      if (!row.key().equals("default") && name.contains(row.key())) {
        values.putAll(row.values());
        break;
      }
    }
    return values;
  }

  /** {@code NAME=VALUE NAME=VALUE ...}, the right-hand side of a row. */
  static String pairs(Map<String, String> values) {
    StringBuilder s = new StringBuilder();
    values.forEach((k, v) -> s.append(s.length() == 0 ? "" : " ").append(k).append('=').append(v));
    return s.toString();
  }

  /** {@code -DNAME=VALUE ...} for a set of values. */
  static String options(Map<String, String> values) {
    StringBuilder s = new StringBuilder();
    values.forEach((k, v) -> s.append(" -D").append(k).append('=').append(v));
    return s.toString().trim();
  }
}
