package io.vigil.pipeline.analyze;

/** Receives a run's progress every {@code vigil.analyze.progress-interval} and at the end. */
@FunctionalInterface
public interface ProgressListener {

  /**
   * @param frames frames classified so far
   * @param framesPerSecond frames classified per second since the start
   * @param fraction share of the video's duration covered, in [0, 1], or NaN when the container
   *     does not say how long it is
   */
  void onProgress(long frames, double framesPerSecond, double fraction);

  ProgressListener NONE = (frames, fps, fraction) -> {};
}
