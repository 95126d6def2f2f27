package io.vigil.pipeline.realtime;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigValueType;
import io.vigil.pipeline.config.ConfigKeys;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Where a labeled stream's true labels come from, so that its frames become training data: a stream
 * entry's {@code labels} key in {@code vigil.run.streams}.
 *
 * <ul>
 *   <li>{@code labels = "cam-1.labels.csv"}: a sidecar that grows while the stream runs ({@code
 *       frame,label,class_name} lines, {@code frame} counted as the stream's results count it, from
 *       0; {@code label} may be left empty when {@code class_name} is given).
 *   <li>{@code labels = [ { from = 10s, to = 40s, class = "Sneaker" } ]}: every frame whose
 *       presentation time (from the stream's start) falls in a range has that class.
 * </ul>
 */
public sealed interface StreamLabels {

  /** Labels in a sidecar file that grows as labels become known. */
  record Sidecar(Path file) implements StreamLabels {}

  /** Labels for stretches of the stream's time. */
  record Ranges(List<Range> ranges) implements StreamLabels {

    /** The class of a frame shown at {@code ptsMicros}, or null when no range holds it. */
    public String classAt(long ptsMicros) {
      for (Range r : ranges) {
        if (ptsMicros >= r.fromMicros() && ptsMicros < r.toMicros()) {
          return r.className();
        }
      }
      return null;
    }
  }

  /** Frames shown from {@code fromMicros} (inclusive) to {@code toMicros} (exclusive). */
  record Range(long fromMicros, long toMicros, String className) {
    public Range {
      if (!(toMicros > fromMicros) || fromMicros < 0) {
        throw new IllegalArgumentException(
            "a label range must run forwards from 0 or later, got "
                + fromMicros / 1e6
                + " s to "
                + toMicros / 1e6
                + " s");
      }
    }
  }

  /** The keys of one time range. */
  Set<String> RANGE_KEYS = Set.of("from", "to", "class");

  /**
   * The labels of every stream of {@code vigil.run.streams} that names some, by stream id.
   *
   * @param resolve turns a relative sidecar path into a file
   * @throws IllegalArgumentException naming the stream and what is wrong
   */
  static Map<String, StreamLabels> allFrom(Config config, Function<String, Path> resolve) {
    Map<String, StreamLabels> labels = new LinkedHashMap<>();
    if (!config.hasPath("vigil.run.streams")) {
      return labels;
    }
    for (Config c : config.getConfigList("vigil.run.streams")) {
      if (c.hasPath("labels") && c.hasPath("id")) {
        labels.put(c.getString("id"), from(c, resolve));
      }
    }
    return labels;
  }

  private static StreamLabels from(Config stream, Function<String, Path> resolve) {
    String id = stream.getString("id");
    try {
      if (stream.getValue("labels").valueType() == ConfigValueType.STRING) {
        return new Sidecar(resolve.apply(stream.getString("labels")));
      }
      List<Range> ranges = new ArrayList<>();
      for (Config r : stream.getConfigList("labels")) {
        ConfigKeys.checkKnown(r, RANGE_KEYS, "stream " + id + " labels");
        Duration from = r.getDuration("from");
        Duration to = r.getDuration("to");
        ranges.add(new Range(from.toNanos() / 1000, to.toNanos() / 1000, r.getString("class")));
      }
      if (ranges.isEmpty()) {
        throw new IllegalArgumentException("labels lists no time range");
      }
      return new Ranges(List.copyOf(ranges));
    } catch (ConfigException e) {
      throw new IllegalArgumentException(
          "stream "
              + id
              + ": labels must be a sidecar file or a list of { from, to, class }: "
              + e.getMessage(),
          e);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("stream " + id + ": " + e.getMessage(), e);
    }
  }
}
