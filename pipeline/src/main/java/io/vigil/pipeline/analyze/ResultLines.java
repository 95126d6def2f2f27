package io.vigil.pipeline.analyze;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;

/**
 * The JSON Lines form of results, one line per frame: {@code {"stream":…,"frame":…,"pts_us":…,
 * "model":…,"top":[{"label":…,"score":…},…],"latency_ms":…,"captured_ms":…}}; {@code captured_ms}
 * (wall-clock capture time, epoch milliseconds) only where it was recorded.
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
        g.writeEndObject();
      }
      out.write('\n');
    }
  }
}
