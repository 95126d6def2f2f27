package io.vigil.engine.backend.cpu;

import io.vigil.engine.backend.ConvProduct;
import io.vigil.engine.backend.GemmOp;
import io.vigil.engine.backend.Window2d;

/**
 * A convolution computed straight from the image, without a column matrix, for the shapes where
 * unfolding costs more than the product ({@link #suits}): inference only, since training reads the
 * columns again for the weight gradient. The Vector API form ({@link VectorDirectConv}) when the
 * vector GEMM kernel runs; none otherwise, and the backend unfolds as usual.
 */
interface DirectConvolution {

  /** Up to this many taps per filter (LeNet-5's second layer has 6 × 5 × 5 = 150). */
  int MAX_TAPS = 160;

  /**
   * One image: {@code out} ({@code filters × outH × outW} from {@code outOff}) {@code =} the
   * convolution of {@code x} ({@code C × H × W} from {@code xOff}) with {@code w} ({@code filters ×
   * C/groups × kH × kW} from {@code wOff}), filter group {@code j} reading channel group {@code j}.
   */
  void convolve(
      float[] x,
      int xOff,
      Window2d g,
      int groups,
      float[] w,
      int wOff,
      int filters,
      float[] out,
      int outOff);

  /**
   * Whether a convolution's forward product over {@code n} images suits the direct form: stride 1,
   * no dilation, a plain overwrite ({@code alpha = 1, beta = 0}), weights shared by the batch, more
   * than one tap and at most {@link #MAX_TAPS} taps per filter (more, and the GEMM reuses each
   * loaded value better), and the packed layout the kernel indexes (groups, images and filters one
   * after the other).
   */
  static boolean suits(ConvProduct p, int n) {
    Window2d g = p.window();
    GemmOp op = p.op();
    int tapsPerFilter = g.channels() / p.groups() * g.kernelH() * g.kernelW();
    return g.strideH() == 1
        && g.strideW() == 1
        && g.dilationH() == 1
        && g.dilationW() == 1
        && op.alpha() == 1f
        && op.beta() == 0f
        && !op.transA()
        && !op.transB()
        && op.strideA() == 0
        && g.kernelH() * g.kernelW() > 1
        && tapsPerFilter <= MAX_TAPS
        && op.batch() == n
        && p.weightStride() == op.m() * op.k()
        && p.outStride() == op.m() * op.n()
        && op.strideC() == p.groups() * op.m() * g.positions();
  }

  /** The form for this process, or null when the Vector API kernel does not run. */
  static DirectConvolution chosen() {
    return Chosen.FORM;
  }

  /** Chosen on first use, so that this interface links without the incubator module. */
  final class Chosen {
    static final DirectConvolution FORM = choose();

    private Chosen() {}

    private static DirectConvolution choose() {
      if (CpuGemm.kernel() instanceof ScalarGemm) {
        return null;
      }
      return VectorForms.load(DirectConvolution.class, "VectorDirectConv", "direct convolution");
    }
  }
}
