package io.vigil.engine.train;

import java.time.Duration;
import java.util.Optional;

/**
 * Where a run stands: epoch {@code epoch} (1-based) of {@code epochs}, {@code samplesDone} of
 * {@code samplesPerEpoch} in this epoch, throughput, the mean loss of this epoch so far, and the
 * estimated time left for the whole run, empty while too little of the run has passed to tell (see
 * {@link #estimate}).
 */
public record TrainingProgress(
    int epoch,
    int epochs,
    long samplesDone,
    long samplesPerEpoch,
    double samplesPerSecond,
    double meanLoss,
    Optional<Duration> eta) {

  /** The share of a run after which its rate is trusted for an estimate. */
  static final double SETTLED_FRACTION = 0.02;

  /** The time after which the rate is trusted for an estimate, however little is done. */
  static final double SETTLED_SECONDS = 5;

  /**
   * The time left for {@code total} samples when {@code done} took {@code seconds}: {@code (total -
   * done) × seconds / done}, or empty until {@link #SETTLED_FRACTION} of the run or {@link
   * #SETTLED_SECONDS} have passed, because the first batches (warm-up, compilation) are slower than
   * the rest and would promise far too long a run.
   */
  public static Optional<Duration> estimate(long done, long total, double seconds) {
    boolean settled = done >= SETTLED_FRACTION * total || seconds >= SETTLED_SECONDS;
    if (!settled || done <= 0 || seconds <= 0) {
      return Optional.empty();
    }
    return Optional.of(Duration.ofMillis((long) ((total - done) * seconds / done * 1000)));
  }
}
