package io.vigil.pipeline.result;

/**
 * A run of a stream's results that one model version produced: frames {@code firstFrame} to {@code
 * lastFrame} (inclusive; frames a real-time stream dropped in between are not counted). Consecutive
 * results of the same version form one span; a version swapped out and in again gets a span for
 * each time.
 *
 * @param model the version
 * @param firstFrame the index of the span's first frame
 * @param lastFrame the index of its last frame
 * @param frames results in the span
 * @param labels how many of the span's frames had a known true label and how many of those were
 *     classified right, or null when the stream's true labels are not known
 */
public record VersionSpan(
    String model, long firstFrame, long lastFrame, long frames, Accuracy labels) {

  /** A span of a stream whose true labels are not known. */
  public VersionSpan(String model, long firstFrame, long lastFrame, long frames) {
    this(model, firstFrame, lastFrame, frames, null);
  }

  /**
   * @param labeledFrames frames of the span whose true label is known
   * @param correct of those, the frames whose best label was the true one
   */
  public record Accuracy(long labeledFrames, long correct) {

    /** The share classified right, or NaN when no frame was labeled. */
    public double accuracy() {
      return labeledFrames == 0 ? Double.NaN : (double) correct / labeledFrames;
    }
  }
}
