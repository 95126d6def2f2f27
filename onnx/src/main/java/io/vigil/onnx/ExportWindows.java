package io.vigil.onnx;

import io.vigil.engine.layer.AvgPool2dSpec;
import io.vigil.engine.layer.Conv2dSpec;
import io.vigil.engine.layer.ConvTranspose2dSpec;
import io.vigil.engine.layer.L2Pool2dSpec;
import io.vigil.engine.layer.Layer;
import io.vigil.engine.layer.MaxPool2dSpec;
import io.vigil.engine.layer.Rounding;
import io.vigil.engine.network.NodeSpec;
import io.vigil.engine.tensor.Shape;
import io.vigil.onnx.ExportGraph.Value;
import java.util.ArrayList;
import java.util.List;
import onnx.Onnx.AttributeProto;

/**
 * Convolutions and pools as ONNX's windowed operators. Padding is symmetric in vigil, so {@code
 * pads} is {@code [padH, padW, padH, padW]} (begins, then ends). The output size is where the two
 * can disagree: ONNX computes {@code ⌊(H + 2P − F)/S⌋ + 1}, or with {@code ceil_mode} {@code ⌈…⌉ +
 * 1}, while vigil's {@link Rounding} has a third rule (CEIL drops a last window that would start in
 * the right padding). Rather than mirror that rule, each layer's size from the vigil spec is
 * compared with ONNX's floor and ceil sizes and the one that agrees is written; a layer neither
 * agrees with is refused.
 */
final class ExportWindows {

  private ExportWindows() {}

  /**
   * Conv: weights {@code K × C/g × kH × kW} are ONNX's layout as they are; bias {@code [K]}. ONNX's
   * Conv has no ceil mode, so a convolution whose CEIL rounding keeps a partial window is refused.
   */
  static Value conv(
      ExportGraph g, NodeSpec node, Layer layer, Value in, Shape input, Conv2dSpec spec)
      throws OnnxFormatException {
    Shape out = spec.outputShape(node.name(), input);
    int ceil =
        ceilMode(
            g,
            node,
            "Conv",
            input,
            out,
            spec.effectiveKernelH(),
            spec.effectiveKernelW(),
            spec.strideH(),
            spec.strideW(),
            spec.padH(),
            spec.padW());
    if (ceil == 1) {
      throw ExportLayers.refused(
          g,
          node,
          "Conv",
          "rounding "
              + spec.rounding()
              + " keeps a partial last window ("
              + out.h()
              + "×"
              + out.w()
              + " outputs), and Conv has no ceil_mode");
    }
    List<String> inputs = new ArrayList<>();
    inputs.add(in.name());
    inputs.add(
        g.weight(
            layer,
            "weight",
            spec.filters(),
            input.c() / spec.groups(),
            spec.kernelH(),
            spec.kernelW()));
    if (spec.bias()) {
      inputs.add(g.weight(layer, "bias", spec.filters()));
    }
    return new Value(
        g.node(
            "Conv",
            node.name(),
            inputs,
            ExportAttributes.ints("kernel_shape", spec.kernelH(), spec.kernelW()),
            ExportAttributes.ints("strides", spec.strideH(), spec.strideW()),
            pads(spec.padH(), spec.padW()),
            ExportAttributes.ints("dilations", spec.dilationH(), spec.dilationW()),
            ExportAttributes.integer("group", spec.groups())),
        4);
  }

  /**
   * ConvTranspose: vigil's weights {@code C × K × kH × kW} are ONNX's {@code C × M/group × kH × kW}
   * with one group, and its output size {@code (H − 1)·S − 2P + d·(F − 1) + 1 + outPad} is ONNX's
   * formula with {@code output_padding = outPad}.
   */
  static Value convTranspose(
      ExportGraph g, NodeSpec node, Layer layer, Value in, ConvTranspose2dSpec spec) {
    Shape input = layer.inputShape();
    List<String> inputs = new ArrayList<>();
    inputs.add(in.name());
    inputs.add(
        g.weight(layer, "weight", input.c(), spec.filters(), spec.kernelH(), spec.kernelW()));
    if (spec.bias()) {
      inputs.add(g.weight(layer, "bias", spec.filters()));
    }
    return new Value(
        g.node(
            "ConvTranspose",
            node.name(),
            inputs,
            ExportAttributes.ints("kernel_shape", spec.kernelH(), spec.kernelW()),
            ExportAttributes.ints("strides", spec.strideH(), spec.strideW()),
            pads(spec.padH(), spec.padW()),
            ExportAttributes.ints("output_padding", spec.outPadH(), spec.outPadW()),
            ExportAttributes.ints("dilations", spec.dilationH(), spec.dilationW()),
            ExportAttributes.integer("group", 1)),
        4);
  }

  /**
   * MaxPool: padding never wins in vigil, as in ONNX (padded cells are −∞). CEIL rounding becomes
   * {@code ceil_mode = 1} only where it keeps a partial window; where vigil's rule drops it, the
   * floor size is vigil's and {@code ceil_mode = 0} is written.
   */
  static Value maxPool(ExportGraph g, NodeSpec node, Value in, Shape input, MaxPool2dSpec spec)
      throws OnnxFormatException {
    Shape out = spec.outputShape(node.name(), input);
    int ceil =
        ceilMode(
            g,
            node,
            "MaxPool",
            input,
            out,
            spec.kernelH(),
            spec.kernelW(),
            spec.strideH(),
            spec.strideW(),
            spec.padH(),
            spec.padW());
    return new Value(
        g.node(
            "MaxPool",
            node.name(),
            List.of(in.name()),
            ExportAttributes.ints("kernel_shape", spec.kernelH(), spec.kernelW()),
            ExportAttributes.ints("strides", spec.strideH(), spec.strideW()),
            pads(spec.padH(), spec.padW()),
            ExportAttributes.integer("ceil_mode", ceil)),
        4);
  }

  /**
   * Average pooling divides by {@code kH·kW} whether or not the window covers padding (PyTorch's
   * default). With padding that is an explicit zero Pad followed by an unpadded AveragePool, the
   * form PyTorch's exporter writes too: equal to AveragePool's {@code count_include_pad = 1}, but
   * OpenCV 4.6 ignores that attribute (it counts padding only in files whose producer is PyTorch)
   * and would divide by the cells inside the input.
   */
  static Value avgPool(ExportGraph g, NodeSpec node, Value in, Shape input, AvgPool2dSpec spec)
      throws OnnxFormatException {
    Shape out = spec.outputShape(node.name(), input);
    ceilMode(
        g,
        node,
        "AveragePool",
        input,
        out,
        spec.kernelH(),
        spec.kernelW(),
        spec.strideH(),
        spec.strideW(),
        spec.padH(),
        spec.padW());
    String padded = in.name();
    if (spec.padH() > 0 || spec.padW() > 0) {
      String hint = node.name() + "_pad";
      String pads =
          g.int64s(hint + ".pads", 0, 0, spec.padH(), spec.padW(), 0, 0, spec.padH(), spec.padW());
      padded = g.node("Pad", hint, List.of(in.name(), pads));
    }
    return new Value(
        g.node(
            "AveragePool",
            node.name(),
            List.of(padded),
            ExportAttributes.ints("kernel_shape", spec.kernelH(), spec.kernelW()),
            ExportAttributes.ints("strides", spec.strideH(), spec.strideW())),
        4);
  }

  /**
   * L2 pooling {@code sqrt(Σ x²)} is LpPool with {@code p = 2}: {@code (Σ |x|^p)^(1/p)}, and zero
   * padding adds nothing to either sum.
   */
  static Value l2Pool(ExportGraph g, NodeSpec node, Value in, Shape input, L2Pool2dSpec spec)
      throws OnnxFormatException {
    Shape out = spec.outputShape(node.name(), input);
    int ceil =
        ceilMode(
            g,
            node,
            "LpPool",
            input,
            out,
            spec.kernelH(),
            spec.kernelW(),
            spec.strideH(),
            spec.strideW(),
            spec.padH(),
            spec.padW());
    if (ceil == 1) {
      throw ExportLayers.refused(g, node, "LpPool", "LpPool has no ceil_mode before opset 18");
    }
    return new Value(
        g.node(
            "LpPool",
            node.name(),
            List.of(in.name()),
            ExportAttributes.ints("kernel_shape", spec.kernelH(), spec.kernelW()),
            ExportAttributes.ints("strides", spec.strideH(), spec.strideW()),
            pads(spec.padH(), spec.padW()),
            ExportAttributes.integer("p", 2)),
        4);
  }

  private static AttributeProto pads(int padH, int padW) {
    return ExportAttributes.ints("pads", padH, padW, padH, padW);
  }

  /**
   * 0 if ONNX's floor size equals vigil's output {@code out} on both axes, 1 if its ceil size does;
   * otherwise the layer is refused, naming the sizes.
   */
  private static int ceilMode(
      ExportGraph g,
      NodeSpec node,
      String op,
      Shape input,
      Shape out,
      int kernelH,
      int kernelW,
      int strideH,
      int strideW,
      int padH,
      int padW)
      throws OnnxFormatException {
    int spanH = input.h() + 2 * padH - kernelH;
    int spanW = input.w() + 2 * padW - kernelW;
    int floorH = Math.floorDiv(spanH, strideH) + 1;
    int floorW = Math.floorDiv(spanW, strideW) + 1;
    if (floorH == out.h() && floorW == out.w()) {
      return 0;
    }
    int ceilH = -Math.floorDiv(-spanH, strideH) + 1;
    int ceilW = -Math.floorDiv(-spanW, strideW) + 1;
    if (ceilH == out.h() && ceilW == out.w()) {
      return 1;
    }
    throw ExportLayers.refused(
        g,
        node,
        op,
        "vigil's output is "
            + out.h()
            + "×"
            + out.w()
            + " but ONNX gives "
            + floorH
            + "×"
            + floorW
            + " (ceil_mode 0) or "
            + ceilH
            + "×"
            + ceilW
            + " (ceil_mode 1)");
  }
}
