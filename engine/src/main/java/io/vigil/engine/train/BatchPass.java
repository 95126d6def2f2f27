package io.vigil.engine.train;

/**
 * The forward and backward passes of one training step: runs a batch through the network and the
 * loss, and leaves the gradient of the batch's mean loss in the network's parameters (added to what
 * they hold) for the optimizer.
 */
interface BatchPass extends AutoCloseable {

  /**
   * Runs images {@code [0, n)} of {@code hostInputs} (normalised, image after image) against {@code
   * hostLabels[0..n)}; returns the batch's summed loss (its mean times {@code n}).
   */
  double run(float[] hostInputs, int[] hostLabels, int n);

  /** Frees the pass's executors and buffers. */
  @Override
  void close();
}
