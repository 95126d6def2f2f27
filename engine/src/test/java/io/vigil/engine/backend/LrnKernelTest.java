package io.vigil.engine.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The LRN forward kernel against the formula in {@link Lrn}, written out in double precision: for
 * AlexNet's β = ¾ (computed by square roots) and for another β (by a power), at window sizes that
 * run past both ends of the channels, over a channel range.
 */
class LrnKernelTest {

  @Test
  void forwardMatchesTheFormulaForEveryBeta() {
    assertMatches(new Lrn(5, 1e-4f, 0.75f, 2f), 7, 11);
    assertMatches(new Lrn(5, 0.3f, 0.75f, 1f), 6, 5);
    assertMatches(new Lrn(4, 0.2f, 0.6f, 1.5f), 5, 9);
    assertMatches(new Lrn(1, 0.5f, 1f, 1f), 3, 4);
  }

  private static void assertMatches(Lrn p, int channels, int plane) {
    int n = 2;
    Random random = new Random(channels * 31 + plane);
    float[] x = new float[n * channels * plane];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) (3 * random.nextGaussian());
    }
    float[] y = new float[x.length];
    float[] s = new float[x.length];
    CpuNormOps.lrnForward(x, 0, p, y, 0, s, 0, n, channels, plane, 0, channels);
    // Inference leaves the scale out: the same values.
    float[] values = new float[x.length];
    CpuNormOps.lrnForward(x, 0, p, values, 0, null, 0, n, channels, plane, 0, channels);
    org.junit.jupiter.api.Assertions.assertArrayEquals(y, values, p + " without the scale");
    for (int i = 0; i < n; i++) {
      for (int c = 0; c < channels; c++) {
        for (int q = 0; q < plane; q++) {
          double sum = 0;
          for (int j = Math.max(0, c - p.before());
              j <= Math.min(channels - 1, c + p.after());
              j++) {
            double v = x[(i * channels + j) * plane + q];
            sum += v * v;
          }
          double scale = p.k() + p.alpha() * sum;
          int at = (i * channels + c) * plane + q;
          double expected = x[at] * Math.pow(scale, -p.beta());
          assertEquals(scale, s[at], 1e-6 * scale, p + " scale at " + at);
          assertEquals(expected, y[at], 1e-6 * (Math.abs(expected) + 1e-6), p + " value at " + at);
        }
      }
    }
  }
}
