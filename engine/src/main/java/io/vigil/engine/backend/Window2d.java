package io.vigil.engine.backend;

/**
 * A sliding window over {@code channels × height × width} images: kernel {@code kernelH × kernelW},
 * stride per axis, zero padding per axis (added on both sides), giving {@code outH × outW}
 * positions where {@code out = (in − kernel + 2·pad)/stride + 1}. Used by convolution
 * (im2col/col2im) and pooling. Construct through the layer specs, which check the arithmetic.
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
    int outH,
    int outW) {

  public Window2d {
    if (outH != (height - kernelH + 2 * padH) / strideH + 1
        || outW != (width - kernelW + 2 * padW) / strideW + 1
        || outH < 1
        || outW < 1) {
      throw new IllegalArgumentException("window: inconsistent output size " + outH + "×" + outW);
    }
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
}
