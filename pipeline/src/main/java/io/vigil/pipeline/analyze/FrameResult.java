package io.vigil.pipeline.analyze;

import java.util.List;

/**
 * What the model said about one frame: written as one JSON line.
 *
 * @param stream the stream's id (for a file, its name)
 * @param frame 0-based frame index in the stream
 * @param ptsMicros presentation timestamp in microseconds
 * @param model version of the model that produced this result
 * @param top the best {@code top-k} labels, best first
 * @param latencyMillis time from capture (a live or paced source) or from leaving the decoder to
 *     leaving the engine
 * @param capturedAtMillis wall-clock time of capture (epoch milliseconds), or 0 when not recorded
 */
public record FrameResult(
    String stream,
    long frame,
    long ptsMicros,
    String model,
    List<LabelScore> top,
    double latencyMillis,
    long capturedAtMillis) {

  /** A result without a capture time. */
  public FrameResult(
      String stream,
      long frame,
      long ptsMicros,
      String model,
      List<LabelScore> top,
      double latencyMillis) {
    this(stream, frame, ptsMicros, model, top, latencyMillis, 0);
  }
}
