package io.vigil.pipeline.analyze;

/**
 * Hears how a multi-file run goes: its progress at most once per {@code progress-interval}, and
 * each file as it finishes. Called from the pipeline's writer thread; keep it short.
 */
public interface BatchListener {

  /**
   * @param filesDone files finished (done or failed) in this run, plus those skipped
   * @param filesTotal files in the run, skipped ones included
   * @param frames frames classified in this run so far
   * @param framesPerSecond frames classified per second since the start
   * @param etaSeconds estimated seconds left, or NaN while unknown
   */
  default void onProgress(
      int filesDone, int filesTotal, long frames, double framesPerSecond, double etaSeconds) {}

  /** A file finished: its results and summary are committed, or it failed. */
  default void onFile(FileOutcome outcome) {}

  BatchListener NONE = new BatchListener() {};
}
