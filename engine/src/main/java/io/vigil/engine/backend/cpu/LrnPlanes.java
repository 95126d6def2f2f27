package io.vigil.engine.backend.cpu;

/**
 * Local response normalisation across channels a plane at a time, a vector of positions per step:
 * {@link VectorLrnPlanes}, when the vector GEMM kernel runs (the plain loops of {@link CpuNormOps}
 * otherwise, where {@link #chosen} is null). C2 vectorised neither loop there: AlexNet's LRN took
 * 5.2 ns an output, 3.6 of them in the window sums.
 */
interface LrnPlanes {

  /**
   * {@code sums[q] = Σ_{j < count} x[src + j·plane + q]²} for {@code q} in {@code [0, plane)},
   * summed in the order of {@code j} from 0 (the plain loop's values, bit for bit).
   */
  void squares(float[] x, int src, int count, int plane, float[] sums);

  /**
   * {@code y[yo + q] = x[xo + q] · (k + α·sums[q])^−¾} for {@code q} in {@code [0, plane)}, as
   * {@code x / √(s·√s)}: AlexNet's β, the plain loop's values bit for bit.
   */
  void threeQuarters(
      float[] x, int xo, float[] sums, float k, float alpha, float[] y, int yo, int plane);

  /** The Vector API form if {@link CpuGemm} chose its vector kernel, else null. */
  static LrnPlanes chosen() {
    return Chosen.FORM;
  }

  /** Chosen on first use, so that this interface links without the incubator module. */
  final class Chosen {
    static final LrnPlanes FORM = choose();

    private Chosen() {}

    private static LrnPlanes choose() {
      if (CpuGemm.kernel() instanceof ScalarGemm) {
        return null;
      }
      return VectorForms.load(LrnPlanes.class, "VectorLrnPlanes", "LRN kernels");
    }
  }
}
