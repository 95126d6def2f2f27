package io.vigil.engine.backend.cpu;

import io.vigil.engine.backend.ActivationKind;

/**
 * Elementwise kernels of the CPU backend: activations and their derivatives (formulas in {@link
 * ActivationKind}), the softmax backward, products and channel copies. Each works on flat arrays
 * from given offsets.
 */
final class CpuActivationOps {

  private CpuActivationOps() {}

  static void forward(
      ActivationKind kind, float alpha, float[] x, int xo, float[] y, int yo, int count) {
    switch (kind) {
      case RELU -> {
        for (int i = 0; i < count; i++) {
          y[yo + i] = Math.max(0f, x[xo + i]);
        }
      }
      case LEAKY_RELU -> {
        for (int i = 0; i < count; i++) {
          float v = x[xo + i];
          y[yo + i] = v > 0f ? v : alpha * v;
        }
      }
      case SIGMOID -> {
        for (int i = 0; i < count; i++) {
          y[yo + i] = (float) (1.0 / (1.0 + Math.exp(-x[xo + i])));
        }
      }
      case TANH -> {
        for (int i = 0; i < count; i++) {
          y[yo + i] = (float) Math.tanh(x[xo + i]);
        }
      }
    }
  }

  /** {@code y[yo..yo+count) += b}. */
  static void addBias(float b, float[] y, int yo, int count) {
    for (int i = 0; i < count; i++) {
      y[yo + i] += b;
    }
  }

  /**
   * {@code Σ x[from..from+count)} in eight interleaved partial sums, added pairwise at the end: one
   * running sum waits for each addition to finish (about 4 cycles), eight keep the adder busy.
   */
  static float sum(float[] x, int from, int count) {
    float s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
    int i = from;
    int end = from + count;
    for (; i + 8 <= end; i += 8) {
      s0 += x[i];
      s1 += x[i + 1];
      s2 += x[i + 2];
      s3 += x[i + 3];
      s4 += x[i + 4];
      s5 += x[i + 5];
      s6 += x[i + 6];
      s7 += x[i + 7];
    }
    for (; i < end; i++) {
      s0 += x[i];
    }
    return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
  }

  static void backward(
      ActivationKind kind,
      float alpha,
      float[] x,
      int xo,
      float[] y,
      int yo,
      float[] dy,
      int dyo,
      float[] dx,
      int dxo,
      int count) {
    switch (kind) {
      case RELU -> {
        for (int i = 0; i < count; i++) {
          int pass = positiveMask(x[xo + i]);
          dx[dxo + i] = Float.intBitsToFloat(Float.floatToRawIntBits(dy[dyo + i]) & pass);
        }
      }
      case LEAKY_RELU -> {
        for (int i = 0; i < count; i++) {
          int pass = positiveMask(x[xo + i]);
          float g = dy[dyo + i];
          int bits = Float.floatToRawIntBits(g) & pass | Float.floatToRawIntBits(alpha * g) & ~pass;
          dx[dxo + i] = Float.intBitsToFloat(bits);
        }
      }
      case SIGMOID -> {
        for (int i = 0; i < count; i++) {
          float v = y[yo + i];
          dx[dxo + i] = dy[dyo + i] * v * (1f - v);
        }
      }
      case TANH -> {
        for (int i = 0; i < count; i++) {
          float v = y[yo + i];
          dx[dxo + i] = dy[dyo + i] * (1f - v * v);
        }
      }
    }
  }

  /**
   * All ones when {@code v > 0}, else 0 (NaN included), computed without a comparison: C2 compiles
   * {@code v > 0 ? a : b} on floats to a branch, which mispredicts on every other activation.
   */
  static int positiveMask(float v) {
    int bits = Float.floatToRawIntBits(v);
    // Positive non-NaN floats are exactly the bit patterns in (0, +∞]: sign bit clear, not 0, not
    // above +∞'s pattern. Each test leaves its answer in the sign bit.
    int notZeroOrNegative = -bits & ~bits;
    int notNaN = bits - 0x7f800001;
    return (notZeroOrNegative & notNaN) >> 31;
  }

  /** Row-wise softmax, {@code p = e^{x − max} / Σ e^{x − max}}, for {@code rows} rows. */
  static void softmax(float[] x, int xOff, float[] p, int pOff, int rows, int cols) {
    for (int r = 0; r < rows; r++) {
      int xo = xOff + r * cols;
      int po = pOff + r * cols;
      float max = Float.NEGATIVE_INFINITY;
      for (int j = 0; j < cols; j++) {
        max = Math.max(max, x[xo + j]);
      }
      double sum = 0;
      for (int j = 0; j < cols; j++) {
        float e = (float) Math.exp(x[xo + j] - max);
        p[po + j] = e;
        sum += e;
      }
      float inv = (float) (1.0 / sum);
      for (int j = 0; j < cols; j++) {
        p[po + j] *= inv;
      }
    }
  }

  static void softmaxBackward(
      float[] p, int po, float[] dp, int dpo, float[] dx, int dxo, int rows, int cols) {
    for (int r = 0; r < rows; r++) {
      int a = po + r * cols;
      int b = dpo + r * cols;
      int c = dxo + r * cols;
      double dot = 0;
      for (int j = 0; j < cols; j++) {
        dot += (double) p[a + j] * dp[b + j];
      }
      float d = (float) dot;
      for (int j = 0; j < cols; j++) {
        dx[c + j] = p[a + j] * (dp[b + j] - d);
      }
    }
  }

  static void multiply(float[] a, int ao, float[] b, int bo, float[] out, int oo, int count) {
    for (int i = 0; i < count; i++) {
      out[oo + i] = a[ao + i] * b[bo + i];
    }
  }

  /** Copies {@code channels} planes per image between tensors of different channel counts. */
  static void copyChannels(
      float[] src,
      int srcOff,
      int srcChannels,
      int srcChannel,
      float[] dst,
      int dstOff,
      int dstChannels,
      int dstChannel,
      int channels,
      int images,
      int plane) {
    int length = channels * plane;
    for (int i = 0; i < images; i++) {
      System.arraycopy(
          src,
          srcOff + (i * srcChannels + srcChannel) * plane,
          dst,
          dstOff + (i * dstChannels + dstChannel) * plane,
          length);
    }
  }
}
