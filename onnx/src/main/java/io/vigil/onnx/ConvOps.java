package io.vigil.onnx;

import io.vigil.engine.layer.Conv2dSpec;
import io.vigil.engine.layer.ConvTranspose2dSpec;
import io.vigil.engine.layer.Rounding;
import io.vigil.engine.tensor.Shape;
import java.util.List;
import java.util.Set;
import onnx.Onnx.NodeProto;

/**
 * Conv and ConvTranspose. Weight layouts are the same in ONNX and vigil ({@code K × C/g × kH × kW}
 * for a convolution, {@code C × K × kH × kW} for a transposed one), so weights are copied as they
 * are.
 */
final class ConvOps {

  private ConvOps() {}

  private static final Set<String> CONV =
      Set.of("kernel_shape", "strides", "pads", "dilations", "group", "auto_pad");

  static void conv(GraphMapper g, NodeProto n, Attributes a) throws OnnxFormatException {
    NodeRef ref = a.node();
    a.allowOnly(CONV);
    Padded in = g.windowInput(ref, n, 0);
    Activation x = in.source();
    requireImage(ref, x);
    Constant w = g.floats(ref, n, 1, true, "weight");
    Constant b = g.floats(ref, n, 2, false, "bias");
    int groups = a.integer("group", 1, 1, 1 << 16);
    if (w.rank() != 4) {
      throw ref.fail(
          "weight " + w.dimsText() + " is not 4-D (K×C/g×kH×kW); vigil convolves 2-D images only");
    }
    long filters = w.dims()[0];
    if (filters < 1
        || w.dims()[2] < 1
        || w.dims()[3] < 1
        || w.dims()[1] * groups != x.shape().c()) {
      throw ref.fail(
          "weight "
              + w.dimsText()
              + " with group="
              + groups
              + " needs "
              + w.dims()[1] * groups
              + " input channels but the input is "
              + x.dimsText());
    }
    if (filters % groups != 0) {
      throw ref.fail(
          "group=" + groups + " does not divide the " + filters + " filters of " + w.dimsText());
    }
    if (b != null && (b.rank() != 1 || b.dims()[0] != filters)) {
      throw ref.fail("bias " + b.dimsText() + " does not match " + filters + " filters");
    }
    int kH = (int) w.dims()[2];
    int kW = (int) w.dims()[3];
    Shape padded = padded(x.shape(), in);
    Spatial s = Spatial.read(a, kH, kW, padded).requireEven(ref).plusPadding(in.padH(), in.padW());
    if (in.padH() > 0 || in.padW() > 0) {
      GraphMapper.LOG.info(
          "{}: {} folded into the padding of {}", g.file(), in.pad().label(), ref.label());
    }
    Conv2dSpec spec =
        new Conv2dSpec(
            (int) filters,
            kH,
            kW,
            s.strideH(),
            s.strideW(),
            s.padH(),
            s.padW(),
            s.dilH(),
            s.dilW(),
            groups,
            b != null,
            rounding(x.shape(), s, false));
    NetworkDraft.Node node = g.emit(ref, n, spec, List.of(x), 4, false, true);
    node.tensors.put("weight", w.floats());
    if (b != null) {
      node.tensors.put("bias", b.floats());
    }
  }

  private static final Set<String> TRANSPOSE =
      Set.of(
          "kernel_shape",
          "strides",
          "pads",
          "dilations",
          "group",
          "auto_pad",
          "output_padding",
          "output_shape");

  static void convTranspose(GraphMapper g, NodeProto n, Attributes a) throws OnnxFormatException {
    NodeRef ref = a.node();
    a.allowOnly(TRANSPOSE);
    Activation x = g.activation(ref, n, 0);
    requireImage(ref, x);
    if (a.integer("group", 1) != 1) {
      throw ref.fail(
          "group="
              + a.integer("group", 1)
              + " is not supported; vigil's ConvTranspose has one group");
    }
    String autoPad = a.string("auto_pad", "NOTSET");
    if (!autoPad.equals("NOTSET") && !autoPad.equals("VALID")) {
      throw ref.fail("auto_pad=" + autoPad + " is not supported for ConvTranspose; give pads");
    }
    Constant w = g.floats(ref, n, 1, true, "weight");
    Constant b = g.floats(ref, n, 2, false, "bias");
    if (w.rank() != 4) {
      throw ref.fail("weight " + w.dimsText() + " is not 4-D (C×K×kH×kW)");
    }
    if (w.dims()[0] != x.shape().c() || w.dims()[1] < 1 || w.dims()[2] < 1 || w.dims()[3] < 1) {
      throw ref.fail(
          "weight "
              + w.dimsText()
              + " does not match the input "
              + x.dimsText()
              + " (its first dimension must be the input channels)");
    }
    int filters = (int) w.dims()[1];
    if (b != null && (b.rank() != 1 || b.dims()[0] != filters)) {
      throw ref.fail("bias " + b.dimsText() + " does not match " + filters + " output channels");
    }
    Spatial s = Spatial.read(a, (int) w.dims()[2], (int) w.dims()[3], x.shape()).requireEven(ref);
    int[] outPad = {0, 0};
    long[] given = a.integers("output_padding");
    if (given != null) {
      if (given.length != 2
          || given[0] < 0
          || given[1] < 0
          || given[0] > 1 << 16
          || given[1] > 1 << 16) {
        throw ref.fail(
            "output_padding " + java.util.Arrays.toString(given) + " must be two values ≥ 0");
      }
      outPad = new int[] {(int) given[0], (int) given[1]};
    }
    ConvTranspose2dSpec spec =
        new ConvTranspose2dSpec(
            filters,
            s.kernelH(),
            s.kernelW(),
            s.strideH(),
            s.strideW(),
            s.padH(),
            s.padW(),
            outPad[0],
            outPad[1],
            s.dilH(),
            s.dilW(),
            b != null);
    NetworkDraft.Node node = g.emit(ref, n, spec, List.of(x), 4, false, true);
    long[] shape = a.integers("output_shape");
    if (shape != null) {
      Shape out = node.output;
      boolean same =
          shape.length >= 2
              && shape[shape.length - 2] == out.h()
              && shape[shape.length - 1] == out.w();
      if (!same) {
        throw ref.fail(
            "output_shape "
                + java.util.Arrays.toString(shape)
                + " differs from the "
                + out.h()
                + "×"
                + out.w()
                + " its pads and output_padding give; give pads instead");
      }
    }
    node.tensors.put("weight", w.floats());
    if (b != null) {
      node.tensors.put("bias", b.floats());
    }
  }

  static void requireImage(NodeRef ref, Activation x) throws OnnxFormatException {
    if (x.rank() != 4) {
      throw ref.fail("needs an N×C×H×W input, got " + x.dimsText());
    }
  }

  /** The shape after a pending Pad, for SAME padding, which ONNX computes on the padded input. */
  static Shape padded(Shape s, Padded in) {
    return new Shape(1, s.c(), s.h() + 2 * in.padH(), s.w() + 2 * in.padW());
  }

  /**
   * {@link Rounding#EXACT} when the window tiles the padded input (vigil's default, stored files
   * unchanged), else ONNX's: floor, or ceil with {@code ceil_mode}.
   */
  static Rounding rounding(Shape in, Spatial s, boolean ceil) {
    long effH = s.kernelH() + (long) (s.kernelH() - 1) * (s.dilH() - 1);
    long effW = s.kernelW() + (long) (s.kernelW() - 1) * (s.dilW() - 1);
    boolean tiles =
        (in.h() + 2L * s.padH() - effH) % s.strideH() == 0
            && (in.w() + 2L * s.padW() - effW) % s.strideW() == 0;
    if (tiles) {
      return Rounding.EXACT;
    }
    return ceil ? Rounding.CEIL : Rounding.FLOOR;
  }
}
