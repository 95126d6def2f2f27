package io.vigil.bench.ort;

import ai.onnxruntime.OrtException;
import io.vigil.engine.backend.Backend;
import io.vigil.engine.network.Network;
import io.vigil.engine.network.NetworkExecutor;
import io.vigil.engine.tensor.Tensor;

/**
 * Both runtimes' logits for the same batch, compared before anything is timed: a timing of two
 * runtimes that compute different things would mean nothing.
 */
final class Agreement {

  /** Allowed difference, relative to the largest logit: float sums in another order. */
  static final double TOLERANCE = 1e-3;

  private Agreement() {}

  /** Prints the largest difference; returns whether it is within {@link #TOLERANCE}. */
  static boolean check(BenchGraph graph, OrtPeer.Batch ort, float[] input, int batch)
      throws OrtException {
    float[] theirs = ort.logits();
    float[] ours = vigilLogits(graph.model().network(), input, batch);
    if (ours.length != theirs.length) {
      throw new IllegalStateException(
          graph.label()
              + " batch "
              + batch
              + ": vigil gives "
              + ours.length
              + " logits, ONNX Runtime "
              + theirs.length);
    }
    double diff = 0;
    double largest = 0;
    for (int i = 0; i < ours.length; i++) {
      diff = Math.max(diff, Math.abs(ours[i] - theirs[i]));
      largest = Math.max(largest, Math.abs(theirs[i]));
    }
    boolean agree = diff <= TOLERANCE * Math.max(1, largest);
    System.out.printf(
        "# %s batch %d: outputs %s, max |vigil - ORT| = %.2e over %d logits (largest |logit|"
            + " %.3g)%n",
        graph.label(), batch, agree ? "agree" : "DISAGREE", diff, ours.length, largest);
    return agree;
  }

  private static float[] vigilLogits(Network network, float[] input, int batch) {
    Backend backend = network.backend();
    try (NetworkExecutor executor = network.newExecutor(batch, false);
        Tensor in = backend.allocate(network.inputShape().withBatch(batch))) {
      backend.upload(input, 0, in, 0, input.length);
      Tensor out = executor.forward(in, false);
      float[] values = new float[out.size()];
      backend.download(out, 0, values, 0, values.length);
      return values;
    }
  }
}
