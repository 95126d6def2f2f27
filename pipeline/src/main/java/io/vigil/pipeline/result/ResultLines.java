package io.vigil.pipeline.result;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;

/**
 * The JSON Lines form of results, one line per frame: {@code {"stream":…,"frame":…,"pts_us":…,
 * "model":…,"top":[{"label":…,"score":…},…],"latency_ms":…,"captured_ms":…}}; {@code captured_ms}
 * (wall-clock capture time, epoch milliseconds) only where it was recorded.
 *
 * <p>With sliding-window scoring a line also carries {@code "windows":{"rows":R,"cols":C,"x":…,
 * "y":…,"width":…,"height":…,"stride_x":…,"stride_y":…,"labels":[[…],…],"scores":[[…],…]}}: the
 * best label and its probability of every window, {@code R} rows of {@code C}, where window {@code
 * (r, c)} covers source pixels {@code x + c·stride_x} to {@code + width} and {@code y + r·stride_y}
 * to {@code + height} (see {@link LabelMap}).
 */
public final class ResultLines {

  private static final JsonFactory JSON = new JsonFactory();

  private ResultLines() {}

  /** Writes one line per result to {@code out} (which is left open). */
  public static void write(OutputStream out, List<FrameResult> results) throws IOException {
    for (FrameResult r : results) {
      try (JsonGenerator g = JSON.createGenerator(out)) {
        g.configure(JsonGenerator.Feature.AUTO_CLOSE_TARGET, false);
        g.writeStartObject();
        g.writeStringField("stream", r.stream());
        g.writeNumberField("frame", r.frame());
        g.writeNumberField("pts_us", r.ptsMicros());
        g.writeStringField("model", r.model());
        g.writeArrayFieldStart("top");
        for (LabelScore s : r.top()) {
          g.writeStartObject();
          g.writeStringField("label", s.label());
          g.writeNumberField("score", Math.round(s.score() * 1e5) / 1e5);
          g.writeEndObject();
        }
        g.writeEndArray();
        g.writeNumberField("latency_ms", Math.round(r.latencyMillis() * 1000) / 1000.0);
        if (r.capturedAtMillis() > 0) {
          g.writeNumberField("captured_ms", r.capturedAtMillis());
        }
        if (r.windows() != null) {
          writeWindows(g, r.windows());
        }
        g.writeEndObject();
      }
      out.write('\n');
    }
  }

  private static void writeWindows(JsonGenerator g, LabelMap map) throws IOException {
    WindowGrid grid = map.grid();
    g.writeObjectFieldStart("windows");
    g.writeNumberField("rows", grid.rows());
    g.writeNumberField("cols", grid.cols());
    g.writeNumberField("x", grid.scored().x());
    g.writeNumberField("y", grid.scored().y());
    g.writeNumberField("width", pixels(grid.windowWidth()));
    g.writeNumberField("height", pixels(grid.windowHeight()));
    g.writeNumberField("stride_x", pixels(grid.strideX()));
    g.writeNumberField("stride_y", pixels(grid.strideY()));
    g.writeArrayFieldStart("labels");
    for (int row = 0; row < grid.rows(); row++) {
      g.writeStartArray();
      for (int col = 0; col < grid.cols(); col++) {
        g.writeString(map.labelAt(row, col));
      }
      g.writeEndArray();
    }
    g.writeEndArray();
    g.writeArrayFieldStart("scores");
    for (int row = 0; row < grid.rows(); row++) {
      g.writeStartArray();
      for (int col = 0; col < grid.cols(); col++) {
        g.writeNumber(Math.round(map.scoreAt(row, col) * 1e5) / 1e5);
      }
      g.writeEndArray();
    }
    g.writeEndArray();
    g.writeEndObject();
  }

  /** Source pixels to two decimals: a window's size and stride need not be whole pixels. */
  private static double pixels(double value) {
    return Math.round(value * 100) / 100.0;
  }
}
