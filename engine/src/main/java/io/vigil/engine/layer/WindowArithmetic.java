package io.vigil.engine.layer;

import io.vigil.engine.backend.Window2d;
import io.vigil.engine.tensor.Shape;

/**
 * The output size of a sliding window, {@code (W − F + 2P)/S + 1}, checked: the hyperparameters
 * must tile the padded input exactly, as the CS231n notes require (no silent cropping).
 */
final class WindowArithmetic {

  private WindowArithmetic() {}

  static Window2d window(
      String layer,
      Shape input,
      int kernelH,
      int kernelW,
      int strideH,
      int strideW,
      int padH,
      int padW,
      boolean padMustBeSmallerThanKernel) {
    return window(
        layer,
        input,
        kernelH,
        kernelW,
        strideH,
        strideW,
        padH,
        padW,
        1,
        1,
        padMustBeSmallerThanKernel);
  }

  /** As above with dilation: the window covers {@code F = m + (m − 1)(d − 1)} inputs per axis. */
  static Window2d window(
      String layer,
      Shape input,
      int kernelH,
      int kernelW,
      int strideH,
      int strideW,
      int padH,
      int padW,
      int dilationH,
      int dilationW,
      boolean padMustBeSmallerThanKernel) {
    return window(
        layer,
        input,
        kernelH,
        kernelW,
        strideH,
        strideW,
        padH,
        padW,
        dilationH,
        dilationW,
        padMustBeSmallerThanKernel,
        Rounding.EXACT);
  }

  /** As above, with what to do when the window does not tile the input ({@link Rounding}). */
  static Window2d window(
      String layer,
      Shape input,
      int kernelH,
      int kernelW,
      int strideH,
      int strideW,
      int padH,
      int padW,
      int dilationH,
      int dilationW,
      boolean padMustBeSmallerThanKernel,
      Rounding rounding) {
    int outH =
        size(
            layer,
            "height",
            "H",
            input.h(),
            effective(layer, "height", kernelH, dilationH),
            padH,
            strideH,
            padMustBeSmallerThanKernel,
            rounding);
    int outW =
        size(
            layer,
            "width",
            "W",
            input.w(),
            effective(layer, "width", kernelW, dilationW),
            padW,
            strideW,
            padMustBeSmallerThanKernel,
            rounding);
    return new Window2d(
        input.c(), input.h(), input.w(), kernelH, kernelW, strideH, strideW, padH, padW, dilationH,
        dilationW, outH, outW);
  }

  /** The effective size {@code m + (m − 1)(d − 1)} of an {@code m}-tap kernel with dilation d. */
  static int effective(String layer, String axis, int kernel, int dilation) {
    if (kernel < 1 || dilation < 1) {
      throw new IllegalArgumentException(
          layer
              + ": "
              + axis
              + ": kernel size m and dilation d must be ≥ 1, got m="
              + kernel
              + " d="
              + dilation);
    }
    long span = kernel + (long) (kernel - 1) * (dilation - 1);
    if (span > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          layer
              + ": "
              + axis
              + ": a kernel of m="
              + kernel
              + " taps with dilation d="
              + dilation
              + " spans "
              + span
              + " inputs, more than any input holds");
    }
    return (int) span;
  }

  static int size(
      String layer,
      String axis,
      String symbol,
      int in,
      int kernel,
      int pad,
      int stride,
      boolean padMustBeSmallerThanKernel,
      Rounding rounding) {
    if (kernel < 1 || stride < 1 || pad < 0) {
      throw new IllegalArgumentException(
          layer
              + ": "
              + axis
              + ": kernel F and stride S must be ≥ 1 and padding P ≥ 0, got F="
              + kernel
              + " S="
              + stride
              + " P="
              + pad);
    }
    if (padMustBeSmallerThanKernel && pad >= kernel) {
      throw new IllegalArgumentException(
          layer
              + ": "
              + axis
              + ": padding P="
              + pad
              + " must be smaller than the window F="
              + kernel
              + " (a window of padding only has no maximum)");
    }
    long padded = in + 2L * pad;
    if (padded > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          layer
              + ": "
              + axis
              + ": padding P="
              + pad
              + " makes the padded input "
              + padded
              + " wide");
    }
    int span = (int) padded - kernel;
    if (span < 0) {
      throw new IllegalArgumentException(
          formula(layer, axis, symbol, in, kernel, pad, stride)
              + ": the "
              + kernel
              + "-wide window is larger than the padded input ("
              + (in + 2 * pad)
              + ")");
    }
    if (span % stride == 0) {
      return span / stride + 1;
    }
    switch (rounding) {
      case FLOOR:
        return span / stride + 1;
      case CEIL:
        int out = span / stride + 2;
        // PyTorch's rule: the last window must start inside the input or its left padding.
        return (out - 1L) * stride >= in + (long) pad ? out - 1 : out;
      default:
        throw new IllegalArgumentException(
            formula(layer, axis, symbol, in, kernel, pad, stride)
                + " is not an integer: the window does not tile the input; change the padding"
                + " or the stride (or declare rounding floor/ceil if that is meant)");
    }
  }

  /** {@code layer: axis: (W − F + 2P)/S + 1 = (…)/S + 1 = value}, for messages only. */
  private static String formula(
      String layer, String axis, String symbol, int in, int kernel, int pad, int stride) {
    long span = in + 2L * pad - kernel;
    return String.format(
        "%s: %s: (%s − F + 2P)/S + 1 = (%d − %d + %d)/%d + 1 = %s",
        layer, axis, symbol, in, kernel, 2L * pad, stride, plain((double) span / stride + 1));
  }

  private static String plain(double v) {
    return v == Math.rint(v) ? String.format("%.1f", v) : Double.toString(v);
  }
}
