package io.vigil.engine.backend.cpu;

import io.vigil.engine.backend.Backend;
import io.vigil.engine.backend.Lrn;

/**
 * Normalisation kernels of the CPU backend: local response normalisation (formula in {@link Lrn})
 * and batch normalisation (formulas in {@link Backend#batchNormForward} and {@link
 * Backend#batchNormBackward}). Arrays are NCHW from the given offsets. The batch-norm kernels and
 * LRN work on channels {@code [c0, c1)} so the backend can give each thread its own channels: every
 * channel's sums then add up in the same order on any number of threads.
 */
final class CpuNormOps {

  private CpuNormOps() {}

  /** LRN's loops in vectors, or null: the plain loops below. */
  private static final LrnPlanes PLANES = LrnPlanes.chosen();

  static void lrnForward(
      float[] x,
      int xo,
      Lrn p,
      float[] y,
      int yo,
      float[] s,
      int so,
      int n,
      int c,
      int plane,
      int c0,
      int c1) {
    float k = p.k();
    float alpha = p.alpha();
    float beta = p.beta();
    // One plane of window sums at a time, channel by channel of the window: loops over
    // positions, which C2 vectorizes (in float), where a loop over the window per position does
    // not.
    float[] sums = LRN_SUMS.get();
    if (sums.length < plane) {
      sums = new float[plane];
      LRN_SUMS.set(sums);
    }
    for (int i = 0; i < n; i++) {
      int base = i * c * plane;
      for (int ch = c0; ch < c1; ch++) {
        int from = Math.max(0, ch - p.before());
        int to = Math.min(c - 1, ch + p.after());
        if (PLANES != null) {
          PLANES.squares(x, xo + base + from * plane, to - from + 1, plane, sums);
        } else {
          java.util.Arrays.fill(sums, 0, plane, 0f);
          for (int j = from; j <= to; j++) {
            int src = xo + base + j * plane;
            for (int q = 0; q < plane; q++) {
              float v = x[src + q];
              sums[q] += v * v;
            }
          }
        }
        int at = base + ch * plane;
        if (beta == 0.75f) {
          // AlexNet's β: s^−¾ = 1/√(s·√s), two square roots instead of a pow (20 ns a value).
          if (s != null) {
            for (int q = 0; q < plane; q++) {
              s[so + at + q] = k + alpha * sums[q];
            }
          }
          if (PLANES != null) {
            PLANES.threeQuarters(x, xo + at, sums, k, alpha, y, yo + at, plane);
          } else {
            for (int q = 0; q < plane; q++) {
              float scale = k + alpha * sums[q];
              y[yo + at + q] = x[xo + at + q] / (float) Math.sqrt(scale * (float) Math.sqrt(scale));
            }
          }
        } else {
          for (int q = 0; q < plane; q++) {
            float scale = k + alpha * sums[q];
            if (s != null) {
              s[so + at + q] = scale;
            }
            y[yo + at + q] = (float) (x[xo + at + q] * Math.pow(scale, -beta));
          }
        }
      }
    }
  }

  /** Each thread's plane of LRN window sums. */
  private static final ThreadLocal<float[]> LRN_SUMS = ThreadLocal.withInitial(() -> new float[0]);

  static void lrnBackward(
      float[] x,
      int xo,
      float[] y,
      int yo,
      float[] s,
      int so,
      float[] dy,
      int dyo,
      Lrn p,
      float[] dx,
      int dxo,
      int n,
      int c,
      int plane,
      int c0,
      int c1) {
    double twoAlphaBeta = 2.0 * p.alpha() * p.beta();
    for (int i = 0; i < n; i++) {
      int base = i * c * plane;
      for (int ch = c0; ch < c1; ch++) {
        // Channel ch lies in the window of channels i with i − before ≤ ch ≤ i + after.
        int from = Math.max(0, ch - p.after());
        int to = Math.min(c - 1, ch + p.before());
        for (int q = 0; q < plane; q++) {
          double sum = 0;
          for (int j = from; j <= to; j++) {
            int at = base + j * plane + q;
            sum += (double) dy[dyo + at] * y[yo + at] / s[so + at];
          }
          int at = base + ch * plane + q;
          dx[dxo + at] =
              (float)
                  (dy[dyo + at] * Math.pow(s[so + at], -p.beta())
                      - twoAlphaBeta * x[xo + at] * sum);
        }
      }
    }
  }

  static void meanVariance(
      float[] x,
      int xo,
      int n,
      int c,
      int plane,
      float[] mean,
      int mo,
      float[] var,
      int vo,
      int c0,
      int c1) {
    double m = (double) n * plane;
    for (int ch = c0; ch < c1; ch++) {
      double sum = 0;
      for (int i = 0; i < n; i++) {
        int start = xo + (i * c + ch) * plane;
        for (int q = 0; q < plane; q++) {
          sum += x[start + q];
        }
      }
      double mu = sum / m;
      double sq = 0;
      for (int i = 0; i < n; i++) {
        int start = xo + (i * c + ch) * plane;
        for (int q = 0; q < plane; q++) {
          double d = x[start + q] - mu;
          sq += d * d;
        }
      }
      mean[mo + ch] = (float) mu;
      var[vo + ch] = (float) (sq / m);
    }
  }

  static void batchNormForward(
      float[] x,
      int xo,
      int n,
      int c,
      int plane,
      float[] mean,
      int mo,
      float[] var,
      int vo,
      float eps,
      float[] gamma,
      int go,
      float[] beta,
      int bo,
      float[] y,
      int yo,
      int c0,
      int c1) {
    for (int ch = c0; ch < c1; ch++) {
      float a = normScale(gamma[go + ch], var[vo + ch], eps);
      float b = normShift(a, beta[bo + ch], mean[mo + ch]);
      for (int i = 0; i < n; i++) {
        int off = (i * c + ch) * plane;
        normalise(a, b, x, xo + off, y, yo + off, plane);
      }
    }
  }

  /** Batch norm as {@code y = a·x + b}: {@code a = γ/√(variance + ε)}. */
  static float normScale(float gamma, float variance, float eps) {
    return (float) (gamma / Math.sqrt(variance + (double) eps));
  }

  /** {@code b = β − a·mean}. */
  static float normShift(float a, float beta, float mean) {
    return beta - a * mean;
  }

  /** {@code y[yo..] = a·x[xo..] + b} for {@code count} values. */
  static void normalise(float a, float b, float[] x, int xo, float[] y, int yo, int count) {
    for (int q = 0; q < count; q++) {
      y[yo + q] = a * x[xo + q] + b;
    }
  }

  static void batchNormBackward(
      float[] x,
      int xo,
      int n,
      int c,
      int plane,
      float[] mean,
      int mo,
      float[] var,
      int vo,
      float eps,
      float[] gamma,
      int go,
      boolean batchStatistics,
      float[] dy,
      int dyo,
      float[] dx,
      int dxo,
      float[] dGamma,
      int dgo,
      float[] dBeta,
      int dbo,
      int c0,
      int c1) {
    double m = (double) n * plane;
    for (int ch = c0; ch < c1; ch++) {
      double mu = mean[mo + ch];
      double invStd = 1.0 / Math.sqrt(var[vo + ch] + (double) eps);
      double sumDy = 0;
      double sumDyXhat = 0;
      for (int i = 0; i < n; i++) {
        int off = (i * c + ch) * plane;
        for (int q = 0; q < plane; q++) {
          double g = dy[dyo + off + q];
          sumDy += g;
          sumDyXhat += g * (x[xo + off + q] - mu) * invStd;
        }
      }
      dBeta[dbo + ch] += (float) sumDy;
      dGamma[dgo + ch] += (float) sumDyXhat;
      if (dx == null) {
        continue;
      }
      double scale = gamma[go + ch] * invStd;
      double meanDy = batchStatistics ? sumDy / m : 0;
      double meanDyXhat = batchStatistics ? sumDyXhat / m : 0;
      for (int i = 0; i < n; i++) {
        int off = (i * c + ch) * plane;
        for (int q = 0; q < plane; q++) {
          double xhat = (x[xo + off + q] - mu) * invStd;
          dx[dxo + off + q] = (float) (scale * (dy[dyo + off + q] - meanDy - xhat * meanDyXhat));
        }
      }
    }
  }
}
