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
    int outH =
        size(layer, "height", "H", input.h(), kernelH, padH, strideH, padMustBeSmallerThanKernel);
    int outW =
        size(layer, "width", "W", input.w(), kernelW, padW, strideW, padMustBeSmallerThanKernel);
    return new Window2d(
        input.c(), input.h(), input.w(), kernelH, kernelW, strideH, strideW, padH, padW, outH,
        outW);
  }

  static int size(
      String layer,
      String axis,
      String symbol,
      int in,
      int kernel,
      int pad,
      int stride,
      boolean padMustBeSmallerThanKernel) {
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
    int span = in - kernel + 2 * pad;
    String formula =
        String.format(
            "%s: %s: (%s − F + 2P)/S + 1 = (%d − %d + %d)/%d + 1 = %s",
            layer, axis, symbol, in, kernel, 2 * pad, stride, plain((double) span / stride + 1));
    if (span < 0) {
      throw new IllegalArgumentException(
          formula
              + ": the "
              + kernel
              + "-wide window is larger than the padded input ("
              + (in + 2 * pad)
              + ")");
    }
    if (span % stride != 0) {
      throw new IllegalArgumentException(
          formula
              + " is not an integer: the window does not tile the input; change the padding"
              + " or the stride");
    }
    return span / stride + 1;
  }

  private static String plain(double v) {
    return v == Math.rint(v) ? String.format("%.1f", v) : Double.toString(v);
  }
}
