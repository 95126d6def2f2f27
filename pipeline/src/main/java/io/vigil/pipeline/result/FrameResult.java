package io.vigil.pipeline.result;

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
 * @param windows the best label of every window of the frame (sliding-window scoring), or null
 */
public record FrameResult(
    String stream,
    long frame,
    long ptsMicros,
    String model,
    List<LabelScore> top,
    double latencyMillis,
    long capturedAtMillis,
    LabelMap windows) {

  /** A result for the whole frame only. */
  public FrameResult(
      String stream,
      long frame,
      long ptsMicros,
      String model,
      List<LabelScore> top,
      double latencyMillis,
      long capturedAtMillis) {
    this(stream, frame, ptsMicros, model, top, latencyMillis, capturedAtMillis, null);
  }

  /** The same result with the frame's window labels, which took until {@code latency} to score. */
  public FrameResult withWindows(LabelMap map, double latency) {
    return new FrameResult(stream, frame, ptsMicros, model, top, latency, capturedAtMillis, map);
  }

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
