package io.vigil.onnx;

import io.vigil.engine.tensor.Shape;

/**
 * A value the network computes: the vigil node that produces it and its per-image shape. ONNX
 * distinguishes {@code N×C×H×W} from {@code N×F} (after Flatten or Gemm); vigil keeps both as 4-D
 * ({@code F×1×1}), so the ONNX rank is carried alongside.
 *
 * @param node the vigil node name ({@code input} for the network input)
 * @param shape per-image shape, batch 1
 * @param rank the ONNX rank, 4 or 2
 * @param nonNegative whether every value is ≥ 0 (a ReLU's output), which makes zero padding before
 *     a max pool the same as the pool's own padding
 * @param raw whether this is the unchanged output of a Linear or convolution node, into which a
 *     following bias can be folded
 * @param shared whether an ONNX name on the way from that node to here has several readers, so a
 *     fold would change what the other readers see
 */
record Activation(
    String node, Shape shape, int rank, boolean nonNegative, boolean raw, boolean shared) {

  /** The ONNX shape text, {@code N×64×56×56} or {@code N×1000}. */
  String dimsText() {
    return rank == 2 ? "N×" + shape.c() : "N×" + shape.c() + "×" + shape.h() + "×" + shape.w();
  }

  /** The same value seen through an alias (Identity, a no-op Reshape). */
  Activation alias(boolean viaSharedName) {
    return new Activation(node, shape, rank, nonNegative, raw, shared || viaSharedName);
  }
}
