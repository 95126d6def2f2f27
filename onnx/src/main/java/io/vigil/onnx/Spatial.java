package io.vigil.onnx;

import io.vigil.engine.tensor.Shape;
import java.util.Arrays;

/**
 * The sliding-window attributes ONNX's Conv, ConvTranspose, MaxPool and AveragePool share: kernel,
 * stride, dilation, and the padding before ({@code padH}, {@code padW}) and after ({@code endH},
 * {@code endW}) each spatial axis, from {@code pads} ({@code [top, left, bottom, right]}) or {@code
 * auto_pad}. vigil's layers pad both sides alike, so most mappings call {@link #requireEven}; a max
 * pool can take uneven padding in some cases (see {@code PoolOps}).
 */
record Spatial(
    int kernelH,
    int kernelW,
    int strideH,
    int strideW,
    int padH,
    int padW,
    int endH,
    int endW,
    int dilH,
    int dilW) {

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
    int[] h = {0, 0};
    int[] w = {0, 0};
    switch (autoPad) {
      case "NOTSET" -> {
        if (pads != null) {
          if (pads.length != 4) {
            throw node.fail(
                "pads " + Arrays.toString(pads) + " must have 4 values for a 2-D window");
          }
          for (long p : pads) {
            if (p < 0 || p > LIMIT) {
              throw node.fail("pads " + Arrays.toString(pads) + " must lie in [0, " + LIMIT + "]");
            }
          }
          h = new int[] {(int) pads[0], (int) pads[2]};
          w = new int[] {(int) pads[1], (int) pads[3]};
        }
      }
      case "VALID" -> {}
      case "SAME_UPPER", "SAME_LOWER" -> {
        boolean upper = autoPad.equals("SAME_UPPER");
        h = same(upper, input.h(), kernelH, strides[0], dilations[0]);
        w = same(upper, input.w(), kernelW, strides[1], dilations[1]);
      }
      default -> throw node.fail("auto_pad '" + autoPad + "' is not an ONNX value");
    }
    if (!"NOTSET".equals(autoPad) && pads != null && Arrays.stream(pads).anyMatch(p -> p != 0)) {
      throw node.fail("auto_pad=" + autoPad + " and pads " + Arrays.toString(pads) + " together");
    }
    return new Spatial(
        kernelH,
        kernelW,
        strides[0],
        strides[1],
        h[0],
        w[0],
        h[1],
        w[1],
        dilations[0],
        dilations[1]);
  }

  /** This window with more padding on every side (a preceding Pad folded in). */
  Spatial plusPadding(int extraH, int extraW) {
    return new Spatial(
        kernelH,
        kernelW,
        strideH,
        strideW,
        padH + extraH,
        padW + extraW,
        endH + extraH,
        endW + extraW,
        dilH,
        dilW);
  }

  boolean even() {
    return padH == endH && padW == endW;
  }

  /** Refuses padding that differs between the two sides of an axis, which vigil cannot give. */
  Spatial requireEven(NodeRef node) throws OnnxFormatException {
    if (!even()) {
      throw node.fail(
          "pads ["
              + padH
              + ", "
              + padW
              + ", "
              + endH
              + ", "
              + endW
              + "] (top, left, bottom,"
              + " right, from pads or auto_pad) differ between the two sides of an axis; vigil"
              + " pads both sides alike");
    }
    return this;
  }

  boolean unitDilation() {
    return dilH == 1 && dilW == 1;
  }

  /**
   * SAME padding: output ⌈in/s⌉, total padding (out − 1)·s + F − in; SAME_UPPER puts the odd one at
   * the end, SAME_LOWER at the beginning. Returns {before, after}.
   */
  private static int[] same(boolean upper, int in, int kernel, int stride, int dilation) {
    long effective = kernel + (long) (kernel - 1) * (dilation - 1);
    long out = (in + stride - 1L) / stride;
    int total = (int) Math.min(LIMIT, Math.max(0, (out - 1) * stride + effective - in));
    int before = upper ? total / 2 : total - total / 2;
    return new int[] {before, total - before};
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
