package io.vigil.engine.train;

/**
 * Thrown by {@link Trainer#fit} when its {@link TrainingPacer} abandoned the run by throwing {@link
 * InterruptedException} (the cause). Unchecked, and deliberately not an {@link
 * IllegalStateException}: a supervisor that restarts a trainer on a diverging run (which throws
 * {@code IllegalStateException}) should not restart one that was asked to stop.
 */
public final class TrainingCancelledException extends RuntimeException {

  private final int epoch;
  private final long batchesDone;

  TrainingCancelledException(int epoch, long batchesDone, InterruptedException cause) {
    super(
        "training cancelled by its pacer in epoch "
            + epoch
            + " after "
            + batchesDone
            + " mini-batches of this run",
        cause);
    this.epoch = epoch;
    this.batchesDone = batchesDone;
  }

  /** The epoch (1-based) that was running. */
  public int epoch() {
    return epoch;
  }

  /** Mini-batches this run had trained on (optimizer steps) before it stopped. */
  public long batchesDone() {
    return batchesDone;
  }
}
