package io.vigil.engine.backend;

/**
 * A sliding window over {@code channels × height × width} images: kernel {@code kernelH × kernelW},
 * stride per axis, zero padding per axis (added on both sides) and dilation per axis (kernel taps
 * {@code dilation} apart, effective size {@code m + (m − 1)(d − 1)}), giving {@code outH × outW}
 * positions where {@code out = ⌊(in − effectiveKernel + 2·pad)/stride⌋ + 1}. Used by convolution
 * (im2col/col2im), transposed convolution and pooling. Construct through the layer specs, which
 * check the arithmetic.
 */
public record Window2d(
    int channels,
    int height,
    int width,
    int kernelH,
    int kernelW,
    int strideH,
    int strideW,
    int padH,
    int padW,
    int dilationH,
    int dilationW,
    int outH,
    int outW) {

  public Window2d {
    if (dilationH < 1 || dilationW < 1) {
      throw new IllegalArgumentException(
          "window: dilation must be ≥ 1, got " + dilationH + "×" + dilationW);
    }
    int effH = kernelH + (kernelH - 1) * (dilationH - 1);
    int effW = kernelW + (kernelW - 1) * (dilationW - 1);
    if (outH < 1
        || outW < 1
        || height - effH + 2 * padH < 0
        || width - effW + 2 * padW < 0
        || !fits(outH, height - effH + 2 * padH, strideH)
        || !fits(outW, width - effW + 2 * padW, strideW)) {
      throw new IllegalArgumentException("window: inconsistent output size " + outH + "×" + outW);
    }
  }

  /** A window without dilation. */
  public Window2d(
      int channels,
      int height,
      int width,
      int kernelH,
      int kernelW,
      int strideH,
      int strideW,
      int padH,
      int padW,
      int outH,
      int outW) {
    this(channels, height, width, kernelH, kernelW, strideH, strideW, padH, padW, 1, 1, outH, outW);
  }

  /** The same window over a block of {@code count} channels (one group of a grouped conv). */
  public Window2d withChannels(int count) {
    return new Window2d(
        count, height, width, kernelH, kernelW, strideH, strideW, padH, padW, dilationH, dilationW,
        outH, outW);
  }

  /** Rows of the im2col matrix of one image: {@code channels·kernelH·kernelW}. */
  public int patchSize() {
    return channels * kernelH * kernelW;
  }

  /** Columns of the im2col matrix of one image: {@code outH·outW}. */
  public int positions() {
    return outH * outW;
  }

  /** Floats of one image's im2col matrix. */
  public int colsPerImage() {
    return patchSize() * positions();
  }

  public int inPerImage() {
    return channels * height * width;
  }

  public int outPerImage() {
    return channels * outH * outW;
  }

  /**
   * Whether {@code out} windows are a rounding of {@code span/stride + 1}: exact, rounded down, or
   * (when the windows do not tile) rounded up by one partial window.
   */
  private static boolean fits(int out, int span, int stride) {
    int floor = span / stride + 1;
    return out == floor || (span % stride != 0 && out == floor + 1);
  }
}
