package io.vigil.engine.train;

/**
 * Decides when a training run may take its next step: {@link Trainer} calls {@link #beforeBatch()}
 * on the training thread before every mini-batch. A pacer that returns at once lets training run
 * flat out; one that blocks pauses it (for as long as it blocks); one that waits a little each time
 * throttles it. This is how training yields the CPU to real-time inference.
 *
 * <p>Throwing {@link InterruptedException} (typically because the training thread was interrupted
 * while the pacer waited) abandons the run: the trainer stops before the batch, restores the
 * thread's interrupt flag and throws {@link TrainingCancelledException}. Batches already taken stay
 * in the network's weights.
 */
@FunctionalInterface
public interface TrainingPacer {

  /** A pacer that never waits. */
  TrainingPacer NONE = () -> {};

  /**
   * Called before every mini-batch; may block or wait.
   *
   * @throws InterruptedException to abandon the run
   */
  void beforeBatch() throws InterruptedException;
}
