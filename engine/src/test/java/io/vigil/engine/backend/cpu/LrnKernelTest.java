package io.vigil.engine.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vigil.engine.backend.Lrn;
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
    // Planes of more than one vector, with a remainder: the Vector API loops.
    assertMatches(new Lrn(5, 1e-4f, 0.75f, 2f), 6, 37);
    assertMatches(new Lrn(3, 0.1f, 0.75f, 1f), 4, 16);
  }

  @Test
  void vectorLoopsGiveThePlainLoopsValuesBitForBit() {
    LrnPlanes vector = LrnPlanes.chosen();
    org.junit.jupiter.api.Assertions.assertNotNull(vector, "the tests run with the Vector API");
    Random random = new Random(5);
    for (int plane : new int[] {1, 15, 16, 17, 37, 3025}) {
      for (int count = 1; count <= 5; count++) {
        // From an offset, so that the reads start inside the array.
        int src = 3;
        float[] x = new float[src + count * plane + 2];
        for (int i = 0; i < x.length; i++) {
          x[i] = (float) (4 * random.nextGaussian());
        }
        float[] expected = new float[plane];
        for (int j = 0; j < count; j++) {
          for (int q = 0; q < plane; q++) {
            float v = x[src + j * plane + q];
            expected[q] += v * v;
          }
        }
        float[] sums = new float[plane];
        vector.squares(x, src, count, plane, sums);
        org.junit.jupiter.api.Assertions.assertArrayEquals(expected, sums, "sums of " + plane);

        float k = 2f;
        float alpha = 1e-3f;
        float[] y = new float[plane + 4];
        float[] plain = new float[plane + 4];
        for (int q = 0; q < plane; q++) {
          float scale = k + alpha * sums[q];
          plain[q + 4] = x[src + q] / (float) Math.sqrt(scale * (float) Math.sqrt(scale));
        }
        vector.threeQuarters(x, src, sums, k, alpha, y, 4, plane);
        org.junit.jupiter.api.Assertions.assertArrayEquals(plain, y, "values of " + plane);
      }
    }
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
