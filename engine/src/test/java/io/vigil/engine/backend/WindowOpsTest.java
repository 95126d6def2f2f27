package io.vigil.engine.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The CPU window kernels' fast paths against a plain reference. */
class WindowOpsTest {

  @Test
  void twoByTwoMaxPoolPicksTheFirstMaximumInRowOrderLikeTheGeneralLoop() {
    // Values from {0, 1, 2}: most windows hold ties, which must route to the first maximum.
    int channels = 3;
    int height = 7;
    int width = 9;
    Random random = new Random(5);
    float[] x = new float[channels * height * width];
    for (int i = 0; i < x.length; i++) {
      x[i] = random.nextInt(3);
    }
    for (int stride : new int[] {2, 1}) {
      int outH = (height - 2) / stride + 1;
      int outW = (width - 2) / stride + 1;
      Window2d g = new Window2d(channels, height, width, 2, 2, stride, stride, 0, 0, outH, outW);
      float[] out = new float[channels * outH * outW];
      int[] switches = new int[out.length];
      CpuWindowOps.maxPoolForward(x, 0, g, out, 0, switches, 0);

      float[] expectedOut = new float[out.length];
      int[] expectedSwitches = new int[out.length];
      int j = 0;
      for (int c = 0; c < channels; c++) {
        for (int oy = 0; oy < outH; oy++) {
          for (int ox = 0; ox < outW; ox++, j++) {
            int best = -1;
            for (int dy = 0; dy < 2; dy++) {
              for (int dx = 0; dx < 2; dx++) {
                int at = c * height * width + (oy * stride + dy) * width + ox * stride + dx;
                if (best < 0 || x[at] > x[best]) {
                  best = at;
                }
              }
            }
            expectedOut[j] = x[best];
            expectedSwitches[j] = best;
          }
        }
      }
      assertArrayEquals(expectedOut, out, "stride " + stride);
      assertArrayEquals(expectedSwitches, switches, "stride " + stride);
    }
  }

  @Test
  void im2colZeroesThePaddingAndCopiesTheInside() {
    // 1 channel 3×4, 3×3 kernel, pad 1, stride 1: every column of the patch matrix checked.
    float[] x = new float[12];
    for (int i = 0; i < x.length; i++) {
      x[i] = i + 1;
    }
    Window2d g = new Window2d(1, 3, 4, 3, 3, 1, 1, 1, 1, 3, 4);
    float[] cols = new float[g.colsPerImage()];
    java.util.Arrays.fill(cols, Float.NaN);
    CpuWindowOps.im2col(x, 0, g, cols, 0);
    float[] expected = new float[cols.length];
    int row = 0;
    for (int dy = 0; dy < 3; dy++) {
      for (int dx = 0; dx < 3; dx++, row++) {
        for (int oy = 0; oy < 3; oy++) {
          for (int ox = 0; ox < 4; ox++) {
            int y = oy + dy - 1;
            int xx = ox + dx - 1;
            boolean inside = y >= 0 && y < 3 && xx >= 0 && xx < 4;
            expected[row * 12 + oy * 4 + ox] = inside ? x[y * 4 + xx] : 0f;
          }
        }
      }
    }
    assertArrayEquals(expected, cols);
  }
}
