package io.vigil.onnx;

import io.vigil.engine.layer.AvgPool2dSpec;
import io.vigil.engine.layer.GlobalAvgPoolSpec;
import io.vigil.engine.layer.MaxPool2dSpec;
import io.vigil.engine.layer.Rounding;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import onnx.Onnx.NodeProto;

/** MaxPool, AveragePool and GlobalAveragePool. */
final class PoolOps {

  private PoolOps() {}

  private static final Set<String> MAX =
      Set.of(
          "kernel_shape", "strides", "pads", "auto_pad", "ceil_mode", "dilations", "storage_order");

  static void maxPool(GraphMapper g, NodeProto n, Attributes a) throws OnnxFormatException {
    NodeRef ref = a.node();
    a.allowOnly(MAX);
    g.requireUnused(ref, n, 1);
    if (a.integer("storage_order", 0) != 0) {
      throw ref.fail("storage_order=" + a.integer("storage_order", 0) + " is not supported");
    }
    Padded in = g.windowInput(ref, n, 0);
    Activation x = in.source();
    ConvOps.requireImage(ref, x);
    if ((in.padH() > 0 || in.padW() > 0) && !x.nonNegative()) {
      // ONNX pads with zeros, which win over negative inputs; vigil's max pool padding never
      // wins. The two agree only when no input is negative (after a ReLU).
      throw ref.fail(
          "reads the zero padding of "
              + in.pad().label()
              + " over values that may be negative; vigil's max pool cannot take it over");
    }
    int[] kernel = kernel(ref, a);
    Spatial s =
        Spatial.read(a, kernel[0], kernel[1], ConvOps.padded(x.shape(), in))
            .plusPadding(in.padH(), in.padW());
    if (!s.unitDilation()) {
      throw ref.fail(
          "dilations " + Arrays.toString(a.integers("dilations")) + " are not supported");
    }
    foldLog(g, ref, in);
    // ceil_mode exists from opset 10; vigil's CEIL drops a last window that would start in the
    // right padding, as PyTorch and ONNX Runtime do.
    boolean ceil = a.integer("ceil_mode", 0) != 0;
    Rounding rounding = maxRounding(ref, x, s, ceil);
    MaxPool2dSpec spec =
        new MaxPool2dSpec(
            s.kernelH(), s.kernelW(), s.strideH(), s.strideW(), s.padH(), s.padW(), rounding);
    g.emit(ref, n, spec, List.of(x), 4, x.nonNegative(), false);
  }

  /**
   * The rounding that gives ONNX's output size with vigil's symmetric padding. Padding never wins a
   * max, so a max pool depends only on where its windows start (set by the leading padding) and how
   * many there are: uneven padding is exact when some rounding of vigil's gives the same count.
   * Before opset 10 PyTorch writes its ceil_mode pools this way, as extra padding at the end.
   */
  private static Rounding maxRounding(NodeRef ref, Activation x, Spatial s, boolean ceil)
      throws OnnxFormatException {
    int wantH = count(x.shape().h(), s.kernelH(), s.strideH(), s.padH(), s.endH(), ceil);
    int wantW = count(x.shape().w(), s.kernelW(), s.strideW(), s.padW(), s.endW(), ceil);
    for (Rounding r : new Rounding[] {Rounding.EXACT, Rounding.FLOOR, Rounding.CEIL}) {
      if (vigilCount(x.shape().h(), s.kernelH(), s.strideH(), s.padH(), r) == wantH
          && vigilCount(x.shape().w(), s.kernelW(), s.strideW(), s.padW(), r) == wantW) {
        return r;
      }
    }
    throw ref.fail(
        "pads ["
            + s.padH()
            + ", "
            + s.padW()
            + ", "
            + s.endH()
            + ", "
            + s.endW()
            + "] give "
            + wantH
            + "×"
            + wantW
            + " windows over "
            + x.dimsText()
            + ", which no symmetric padding of vigil's max pool gives");
  }

  /** ONNX's output size: ⌊ or ⌈(in + begin + end − k)/s⌉ + 1, the last window starting inside. */
  private static int count(int in, int k, int s, int begin, int end, boolean ceil) {
    long span = (long) in + begin + end - k;
    if (span < 0) {
      return -1;
    }
    long out = (ceil ? (span + s - 1) / s : span / s) + 1;
    if (ceil && (out - 1) * s >= in + (long) begin) {
      out--;
    }
    return (int) out;
  }

  private static int vigilCount(int in, int k, int s, int pad, Rounding r) {
    long span = (long) in + 2L * pad - k;
    if (span < 0 || (r == Rounding.EXACT && span % s != 0)) {
      return -2;
    }
    return count(in, k, s, pad, pad, r == Rounding.CEIL);
  }

  private static final Set<String> AVERAGE =
      Set.of("kernel_shape", "strides", "pads", "auto_pad", "ceil_mode", "count_include_pad");

  static void averagePool(GraphMapper g, NodeProto n, Attributes a) throws OnnxFormatException {
    NodeRef ref = a.node();
    a.allowOnly(AVERAGE);
    Padded in = g.windowInput(ref, n, 0);
    Activation x = in.source();
    ConvOps.requireImage(ref, x);
    int[] kernel = kernel(ref, a);
    Spatial own =
        Spatial.read(a, kernel[0], kernel[1], ConvOps.padded(x.shape(), in)).requireEven(ref);
    // vigil's average pool divides by the whole window, padding included (PyTorch's default,
    // ONNX's count_include_pad=1). ONNX's default 0 divides by the real cells only, which differs
    // wherever a window overlaps the node's own padding. A folded Pad's zeros are real cells in
    // ONNX, so they count either way.
    if ((own.padH() > 0 || own.padW() > 0) && a.integer("count_include_pad", 0) == 0) {
      throw ref.fail(
          "count_include_pad=0 with padding "
              + own.padH()
              + "×"
              + own.padW()
              + " leaves the padding out of the average; vigil's average pool counts it"
              + " (count_include_pad=1)");
    }
    Spatial s = own.plusPadding(in.padH(), in.padW());
    Rounding rounding = ConvOps.rounding(x.shape(), s, a.integer("ceil_mode", 0) != 0);
    if (rounding != Rounding.EXACT) {
      throw ref.fail(
          "the "
              + s.kernelH()
              + "×"
              + s.kernelW()
              + " window with stride "
              + s.strideH()
              + "×"
              + s.strideW()
              + " and padding "
              + s.padH()
              + "×"
              + s.padW()
              + " does not tile the input "
              + x.dimsText()
              + " (ceil_mode="
              + a.integer("ceil_mode", 0)
              + "); vigil's average pool needs windows that tile it");
    }
    foldLog(g, ref, in);
    AvgPool2dSpec spec =
        new AvgPool2dSpec(s.kernelH(), s.kernelW(), s.strideH(), s.strideW(), s.padH(), s.padW());
    g.emit(ref, n, spec, List.of(x), 4, x.nonNegative(), false);
  }

  static void globalAveragePool(GraphMapper g, NodeProto n, Attributes a)
      throws OnnxFormatException {
    NodeRef ref = a.node();
    a.allowOnly(Set.of());
    Activation x = g.activation(ref, n, 0);
    ConvOps.requireImage(ref, x);
    g.emit(ref, n, new GlobalAvgPoolSpec(), List.of(x), 4, x.nonNegative(), false);
  }

  private static int[] kernel(NodeRef ref, Attributes a) throws OnnxFormatException {
    long[] k = a.integers("kernel_shape");
    if (k == null) {
      throw ref.fail("kernel_shape is required");
    }
    return Spatial.pair(ref, "kernel_shape", k, 1, 1);
  }

  private static void foldLog(GraphMapper g, NodeRef ref, Padded in) {
    if (in.padH() > 0 || in.padW() > 0) {
      GraphMapper.LOG.info(
          "{}: {} folded into the padding of {}", g.file(), in.pad().label(), ref.label());
    }
  }
}
