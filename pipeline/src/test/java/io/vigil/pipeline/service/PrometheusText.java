package io.vigil.pipeline.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict reader of the Prometheus text format 0.0.4, written from its specification rather than
 * with the client that writes it, so the tests check what a scraper would read: {@code # TYPE}
 * lines, samples {@code name{label="value",...} value} with escaped label values ({@code \\},
 * {@code \"}, {@code \n}). Any line it cannot read fails the test.
 */
final class PrometheusText {

  /** One sample line. */
  record Sample(String name, Map<String, String> labels, double value) {}

  private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

  final Map<String, String> types = new LinkedHashMap<>();
  final List<Sample> samples = new ArrayList<>();

  private PrometheusText() {}

  static PrometheusText parse(String text) {
    assertTrue(text.endsWith("\n"), "the exposition must end with a line feed");
    PrometheusText t = new PrometheusText();
    for (String line : text.split("\n", -1)) {
      if (line.isEmpty()) {
        continue;
      }
      if (line.startsWith("# TYPE ")) {
        String[] parts = line.substring(7).split(" ");
        assertEquals(2, parts.length, "TYPE line: " + line);
        assertTrue(NAME.matcher(parts[0]).matches(), "metric name in " + line);
        assertTrue(
            List.of("counter", "gauge", "histogram", "summary", "untyped").contains(parts[1]),
            "type in " + line);
        t.types.put(parts[0], parts[1]);
      } else if (line.startsWith("#")) {
        assertTrue(line.startsWith("# HELP "), "comment line: " + line);
      } else {
        t.samples.add(sample(line));
      }
    }
    return t;
  }

  private static Sample sample(String line) {
    Matcher m = NAME.matcher(line);
    assertTrue(m.lookingAt(), "sample name in " + line);
    String name = m.group();
    int i = m.end();
    Map<String, String> labels = new LinkedHashMap<>();
    if (i < line.length() && line.charAt(i) == '{') {
      i++;
      while (line.charAt(i) != '}') {
        Matcher l = LABEL_NAME.matcher(line).region(i, line.length());
        assertTrue(l.lookingAt(), "label name at " + i + " in " + line);
        i = l.end();
        assertEquals("=\"", line.substring(i, i + 2), "label in " + line);
        i += 2;
        StringBuilder value = new StringBuilder();
        while (line.charAt(i) != '"') {
          char c = line.charAt(i++);
          if (c == '\\') {
            char e = line.charAt(i++);
            switch (e) {
              case '\\' -> value.append('\\');
              case '"' -> value.append('"');
              case 'n' -> value.append('\n');
              default -> throw new AssertionError("bad escape \\" + e + " in " + line);
            }
          } else {
            value.append(c);
          }
        }
        i++;
        labels.put(l.group(), value.toString());
        if (line.charAt(i) == ',') {
          i++;
        }
      }
      i++;
    }
    String[] rest = line.substring(i).strip().split(" ");
    assertTrue(rest.length == 1 || rest.length == 2, "value (and timestamp) in " + line);
    return new Sample(name, labels, parseValue(rest[0]));
  }

  private static double parseValue(String v) {
    return switch (v) {
      case "+Inf" -> Double.POSITIVE_INFINITY;
      case "-Inf" -> Double.NEGATIVE_INFINITY;
      case "NaN" -> Double.NaN;
      default -> Double.parseDouble(v);
    };
  }

  /** The one sample of {@code name} with exactly {@code labels} (given as name, value, ...). */
  double value(String name, String... labels) {
    return find(name, labels)
        .orElseThrow(
            () -> new AssertionError("no sample " + name + Map.of() + " " + List.of(labels)))
        .value();
  }

  Optional<Sample> find(String name, String... labels) {
    Map<String, String> want = new LinkedHashMap<>();
    for (int i = 0; i < labels.length; i += 2) {
      want.put(labels[i], labels[i + 1]);
    }
    List<Sample> found =
        samples.stream().filter(s -> s.name.equals(name) && s.labels.equals(want)).toList();
    assertTrue(found.size() <= 1, "more than one sample " + name + want);
    return found.stream().findFirst();
  }

  /** The family a sample name belongs to: its name less a suffix its type adds. */
  String family(String sampleName) {
    for (String suffix : List.of("_total", "_bucket", "_count", "_sum", "_info", "_created")) {
      if (sampleName.endsWith(suffix)) {
        String base = sampleName.substring(0, sampleName.length() - suffix.length());
        if (types.containsKey(base)) {
          return base;
        }
      }
    }
    return sampleName;
  }
}
