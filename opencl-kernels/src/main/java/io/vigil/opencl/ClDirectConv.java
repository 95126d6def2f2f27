package io.vigil.opencl;

import io.vigil.engine.backend.ConvProduct;
import io.vigil.engine.backend.Epilogue;
import io.vigil.engine.backend.GemmOp;
import io.vigil.engine.backend.Window2d;
import io.vigil.engine.tensor.Tensor;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The inference convolution of {@code kernels/conv_direct.cl}: output straight from the images with
 * the epilogue applied in the same launch, where the filters have few taps (LeNet-5's). On PoCL,
 * LeNet-5's two convolutions took im2col, a GEMM, a bias and a ReLU launch each, and the GEMM's
 * register blocks (8 filter rows) were mostly empty for 6 or 16 filters; one direct launch replaces
 * all four. Bigger filters keep im2col and GEMM, whose blocking reuses each loaded value better.
 * Callers hold the backend's lock.
 */
final class ClDirectConv {

  /**
   * Up to this many taps per filter ({@code channels / groups · kH · kW}; LeNet-5's second layer
   * has 150): each work item keeps its FB accumulators and one input row segment in registers and
   * loops over every tap.
   */
  static final int MAX_TAPS = 160;

  /** Input columns a work item reads per row at most (its private segment). */
  static final int MAX_SEGMENT = 64;

  private ClDirectConv() {}

  /**
   * Whether the forward product {@code op} over {@code g} (with {@code groups} groups, {@code n}
   * images and the engine's usual strides) has the form conv_direct computes: a plain overwrite
   * ({@code alpha = 1, beta = 0}) by weights shared across the batch, each group's filters and
   * outputs contiguous, at most {@link #MAX_TAPS} taps per filter and a row segment of at most
   * {@link #MAX_SEGMENT} columns.
   */
  static boolean suits(ConvProduct p, int n, int maxVectorWidth) {
    Window2d g = p.window();
    GemmOp op = p.op();
    int groups = p.groups();
    int taps = g.channels() / groups * g.kernelH() * g.kernelW();
    return op.alpha() == 1f
        && op.beta() == 0f
        && !op.transA()
        && !op.transB()
        && op.strideA() == 0
        && op.batch() == n
        && op.k() == taps
        && op.n() == g.positions()
        && p.weightStride() == op.m() * op.k()
        && p.outStride() == op.m() * op.n()
        && op.strideC() == groups * op.m() * g.positions()
        && taps <= MAX_TAPS
        && segment(g, vectorWidth(g, maxVectorWidth)) <= MAX_SEGMENT;
  }

  /**
   * The outputs per work item: the smallest of 2, 4, 8, 16 that covers a row, at most {@code cap}.
   */
  static int vectorWidth(Window2d g, int cap) {
    int vw = 2;
    while (vw < g.outW() && vw < cap) {
      vw *= 2;
    }
    return vw;
  }

  private static int segment(Window2d g, int vw) {
    return (vw - 1) * g.strideW() + (g.kernelW() - 1) * g.dilationW() + 1;
  }

  /** The largest divisor of {@code filtersPerGroup} that is at most {@code cap}. */
  static int filtersPerItem(int filtersPerGroup, int cap) {
    for (int fb = Math.min(cap, filtersPerGroup); fb > 1; fb--) {
      if (filtersPerGroup % fb == 0) {
        return fb;
      }
    }
    return 1;
  }

  /** A build of conv_direct: the layer's shape and the blocking chosen for it. */
  private record Variant(Window2d g, int groups, int filters, int vw, int fb) {}

  /**
   * Build options per variant, kept: formatting them anew took microseconds per launch, a visible
   * share of a batch-1 LeNet-5 inference.
   */
  private static final Map<Variant, String> OPTIONS = new ConcurrentHashMap<>();

  private static String options(Window2d g, int groups, int filters, int vw, int fb) {
    return String.format(
        "-DCG=%d -DH=%d -DW=%d -DKH=%d -DKW=%d -DSH=%d -DSW=%d -DPH=%d -DPW=%d -DDH=%d"
            + " -DDW=%d -DOH=%d -DOW=%d -DFG=%d -DF=%d -DFB=%d -DVW=%d -DCHUNKS=%d -DSEG=%d",
        g.channels() / groups,
        g.height(),
        g.width(),
        g.kernelH(),
        g.kernelW(),
        g.strideH(),
        g.strideW(),
        g.padH(),
        g.padW(),
        g.dilationH(),
        g.dilationW(),
        g.outH(),
        g.outW(),
        filters / groups,
        filters,
        fb,
        vw,
        (g.outW() + vw - 1) / vw,
        segment(g, vw));
  }

  /**
   * Enqueues the convolution of {@code n} images, {@code filters} filters in all, and {@code e}.
   */
  static void run(
      ClLauncher ops,
      Tensor images,
      Window2d g,
      int groups,
      int filters,
      Tensor weights,
      Tensor out,
      Epilogue e,
      int n) {
    ClContext cl = ops.cl();
    int vw = vectorWidth(g, cl.tuning("CONV_VW"));
    int fg = filters / groups;
    int fb = filtersPerItem(fg, cl.tuning("CONV_FB"));
    int chunks = (g.outW() + vw - 1) / vw;
    String options =
        OPTIONS.computeIfAbsent(
            new Variant(g, groups, filters, vw, fb), v -> options(g, groups, filters, vw, fb));
    Launch l = ops.launch("conv_direct", "conv_direct", options);
    ops.tensor(ops.tensor(l, images), weights);
    ops.epilogue(l, e, out).tensor(out);
    long[] global = {(long) chunks * g.outH(), filters / fb, n};
    l.run(global, Launch.perImage(cl, global));
  }
}
