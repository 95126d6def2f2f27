package io.vigil.engine.backend.cpu;

import io.vigil.engine.backend.Window2d;

/**
 * One tap of max pooling across an output row: input {@code first + ox·stride} (image index {@code
 * firstIndex + ox·stride}) replaces output {@code ox}'s best, and its index the switch, if it is
 * greater, for ox in {@code [lo, hi)}. '>' keeps the first maximum, so ties route the gradient to
 * one input only. The Vector API form ({@link VectorPoolTap}) when the vector GEMM kernel runs,
 * plain Java otherwise.
 */
interface PoolTap {

  void challenge(
      float[] x,
      int first,
      int stride,
      int firstIndex,
      float[] out,
      int o,
      int[] switches,
      int s,
      int lo,
      int hi);

  /**
   * Max pooling's values alone (inference: no switches) over channels {@code [c0, c1)} of one
   * image, where this form has a faster way: windows without padding that all lie inside the image.
   * Returns false, having written nothing, where it has not.
   */
  default boolean planeValues(
      float[] x, int xOff, Window2d g, float[] out, int outOff, int c0, int c1) {
    return false;
  }

  /**
   * Max pooling with its switches over channels {@code [c0, c1)} of one image, where this form has
   * a faster way. Returns false, having written nothing, where it has not.
   */
  default boolean planeForward(
      float[] x,
      int xOff,
      Window2d g,
      float[] out,
      int outOff,
      int[] switches,
      int swOff,
      int c0,
      int c1) {
    return false;
  }

  /** The form for this process: the Vector API's if {@link CpuGemm} chose its vector kernel. */
  static PoolTap chosen() {
    return Chosen.TAP;
  }

  /** Plain Java: an int select and Math.max, which C2 compiles without branches. */
  PoolTap SCALAR =
      (x, first, stride, firstIndex, out, o, switches, s, lo, hi) -> {
        for (int ox = lo; ox < hi; ox++) {
          float v = x[first + ox * stride];
          float best = out[o + ox];
          // Not a float select: C2 compiles that to a branch, which mispredicts on real data.
          switches[s + ox] = v > best ? firstIndex + ox * stride : switches[s + ox];
          out[o + ox] = Math.max(best, v);
        }
      };

  /** Chosen on first use, so that this interface links without the incubator module. */
  final class Chosen {
    static final PoolTap TAP = choose();

    private Chosen() {}

    private static PoolTap choose() {
      if (!(CpuGemm.kernel() instanceof ScalarGemm)) {
        return VectorForms.load(PoolTap.class, "VectorPoolTap", "pooling kernel");
      }
      return SCALAR;
    }
  }
}
