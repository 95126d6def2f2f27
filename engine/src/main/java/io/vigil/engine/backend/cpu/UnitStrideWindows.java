package io.vigil.engine.backend.cpu;

import io.vigil.engine.backend.Window2d;

/**
 * col2im of windows that move one pixel at a time ({@link #suits}), a vector of lanes per step:
 * {@link VectorWindowOps}, when the vector GEMM kernel runs (the plain loops of {@link
 * CpuWindowOps} otherwise, where {@link #chosen} is null). Same arguments and results as that.
 */
interface UnitStrideWindows {

  /** col2im into channels {@code [c0, c1)} of one image; {@code x}'s values there are replaced. */
  void col2im(float[] cols, int colOff, Window2d g, float[] x, int xOff, int c0, int c1);

  /** True for the windows this form handles: stride 1 on both axes. */
  static boolean suits(Window2d g) {
    return g.strideH() == 1 && g.strideW() == 1;
  }

  /** The Vector API form if {@link CpuGemm} chose its vector kernel, else null. */
  static UnitStrideWindows chosen() {
    return Chosen.FORM;
  }

  /** Chosen on first use, so that this interface links without the incubator module. */
  final class Chosen {
    static final UnitStrideWindows FORM = choose();

    private Chosen() {}

    private static UnitStrideWindows choose() {
      if (CpuGemm.kernel() instanceof ScalarGemm) {
        return null;
      }
      return VectorForms.load(UnitStrideWindows.class, "VectorWindowOps", "col2im kernel");
    }
  }
}
