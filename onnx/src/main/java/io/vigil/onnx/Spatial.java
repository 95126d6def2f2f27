package io.vigil.onnx;

import io.vigil.engine.tensor.Shape;
import java.util.Arrays;

/**
 * The sliding-window attributes ONNX's Conv, ConvTranspose, MaxPool and AveragePool share, reduced
 * to what vigil's layers take: a kernel, a stride, a dilation and one padding per spatial axis.
 * ONNX pads each side separately ({@code [top, left, bottom, right]}); vigil pads both sides alike,
 * so unequal sides are refused, including the uneven padding {@code auto_pad=SAME_*} gives when the
 * total is odd.
 */
record Spatial(
    int kernelH, int kernelW, int strideH, int strideW, int padH, int padW, int dilH, int dilW) {

  /** Largest kernel, stride, dilation or padding accepted (keeps the arithmetic in int). */
  private static final int LIMIT = 1 << 16;

  /**
   * Reads strides, pads, dilations and auto_pad for a kernel of {@code kernelH × kernelW} over
   * {@code input}.
   */
  static Spatial read(Attributes a, int kernelH, int kernelW, Shape input)
      throws OnnxFormatException {
    NodeRef node = a.node();
    long[] kernel = a.integers("kernel_shape");
    if (kernel != null && (kernel.length != 2 || kernel[0] != kernelH || kernel[1] != kernelW)) {
      throw node.fail(
          "kernel_shape "
              + Arrays.toString(kernel)
              + " does not match the weights' "
              + kernelH
              + "×"
              + kernelW);
    }
    int[] strides = pair(node, "strides", a.integers("strides"), 1, 1);
    int[] dilations = pair(node, "dilations", a.integers("dilations"), 1, 1);
    String autoPad = a.string("auto_pad", "NOTSET");
    long[] pads = a.integers("pads");
    int padH;
    int padW;
    switch (autoPad) {
      case "NOTSET" -> {
        if (pads == null) {
          padH = 0;
          padW = 0;
        } else {
          if (pads.length != 4) {
            throw node.fail(
                "pads " + Arrays.toString(pads) + " must have 4 values for a 2-D window");
          }
          for (long p : pads) {
            if (p < 0 || p > LIMIT) {
              throw node.fail("pads " + Arrays.toString(pads) + " must lie in [0, " + LIMIT + "]");
            }
          }
          if (pads[0] != pads[2] || pads[1] != pads[3]) {
            throw node.fail(
                "pads "
                    + Arrays.toString(pads)
                    + " differ between the two sides of an axis; vigil pads both sides alike");
          }
          padH = (int) pads[0];
          padW = (int) pads[1];
        }
      }
      case "VALID" -> {
        padH = 0;
        padW = 0;
      }
      case "SAME_UPPER", "SAME_LOWER" -> {
        padH = same(node, autoPad, "height", input.h(), kernelH, strides[0], dilations[0]);
        padW = same(node, autoPad, "width", input.w(), kernelW, strides[1], dilations[1]);
      }
      default -> throw node.fail("auto_pad '" + autoPad + "' is not an ONNX value");
    }
    if (!"NOTSET".equals(autoPad) && pads != null && Arrays.stream(pads).anyMatch(p -> p != 0)) {
      throw node.fail("auto_pad=" + autoPad + " and pads " + Arrays.toString(pads) + " together");
    }
    return new Spatial(
        kernelH, kernelW, strides[0], strides[1], padH, padW, dilations[0], dilations[1]);
  }

  /** This window with more padding (a preceding Pad folded in). */
  Spatial plusPadding(int extraH, int extraW) {
    return new Spatial(
        kernelH, kernelW, strideH, strideW, padH + extraH, padW + extraW, dilH, dilW);
  }

  boolean unitDilation() {
    return dilH == 1 && dilW == 1;
  }

  /** SAME padding: output ⌈in/s⌉, total padding (out − 1)·s + F − in, split evenly. */
  private static int same(
      NodeRef node, String autoPad, String axis, int in, int kernel, int stride, int dilation)
      throws OnnxFormatException {
    long effective = kernel + (long) (kernel - 1) * (dilation - 1);
    long out = (in + stride - 1L) / stride;
    long total = Math.max(0, (out - 1) * stride + effective - in);
    if (total % 2 != 0) {
      throw node.fail(
          "auto_pad="
              + autoPad
              + " pads the "
              + axis
              + " by "
              + total
              + " in all, unevenly ("
              + total / 2
              + " and "
              + (total / 2 + 1)
              + "); vigil pads both sides alike");
    }
    return (int) (total / 2);
  }

  static int[] pair(NodeRef node, String name, long[] values, int fallbackH, int fallbackW)
      throws OnnxFormatException {
    if (values == null) {
      return new int[] {fallbackH, fallbackW};
    }
    if (values.length != 2
        || values[0] < 1
        || values[1] < 1
        || values[0] > LIMIT
        || values[1] > LIMIT) {
      throw node.fail(
          name + " " + Arrays.toString(values) + " must be two values in [1, " + LIMIT + "]");
    }
    return new int[] {(int) values[0], (int) values[1]};
  }
}
