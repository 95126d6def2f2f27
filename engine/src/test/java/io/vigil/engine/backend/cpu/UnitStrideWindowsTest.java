package io.vigil.engine.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.vigil.engine.backend.Window2d;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The Vector API col2im against the plain loops, bit for bit, on windows of awkward sizes: rows
 * narrower and wider than a vector, padding wider than the kernel's reach, dilation, 1×1 and
 * full-width kernels, a channel range in the middle of a batch, and images at the very start and
 * end of their arrays (where whole-vector reads would leave them). Values outside the written range
 * must stay as they were.
 */
class UnitStrideWindowsTest {

  private static final UnitStrideWindows VECTOR = UnitStrideWindows.chosen();

  /** {@code {channels, height, width, kernelH, kernelW, padH, padW, dilationH, dilationW}}. */
  private static final int[][] WINDOWS = {
    {6, 14, 14, 5, 5, 0, 0, 1, 1}, // LeNet-5 conv2
    {1, 28, 28, 5, 5, 2, 2, 1, 1}, // LeNet-5 conv1
    {3, 28, 28, 3, 3, 1, 1, 1, 1}, // vgg-small
    {2, 7, 37, 3, 2, 1, 0, 1, 1}, // rows of two vectors and a remainder
    {3, 5, 6, 3, 3, 2, 3, 2, 2}, // dilation, padding wider than the reach
    {4, 3, 1, 1, 1, 0, 0, 1, 1}, // 1×1 over a one-column image
    {2, 4, 17, 4, 17, 1, 0, 1, 1}, // a kernel as wide as the image
    {5, 9, 8, 3, 3, 1, 1, 1, 1},
  };

  @Test
  void col2imAddsTheTapsInTheOrderOfThePlainLoops() {
    assertNotNull(VECTOR, "the tests run with the Vector API");
    for (int[] v : WINDOWS) {
      Window2d g = window(v);
      int images = 3;
      Random random = new Random(Arrays.hashCode(v));
      float[] cols = new float[images * g.colsPerImage()];
      for (int i = 0; i < cols.length; i++) {
        cols[i] = (float) random.nextGaussian();
      }
      // Each image in turn (the first and last touch the arrays' ends), all channels, then one
      // channel range inside the middle image.
      for (int image = 0; image < images; image++) {
        assertCol2imSame(g, cols, image, 0, g.channels());
      }
      assertCol2imSame(g, cols, 1, g.channels() / 2, Math.min(g.channels(), g.channels() / 2 + 2));
    }
  }

  private static void assertCol2imSame(Window2d g, float[] cols, int image, int c0, int c1) {
    int images = cols.length / g.colsPerImage();
    float[] expected = new float[images * g.inPerImage()];
    Arrays.fill(expected, Float.NaN);
    float[] actual = expected.clone();
    int colOff = image * g.colsPerImage();
    int xOff = image * g.inPerImage();
    CpuWindowOps.col2imLoops(cols, colOff, g, expected, xOff, c0, c1);
    VECTOR.col2im(cols, colOff, g, actual, xOff, c0, c1);
    assertArrayEquals(expected, actual, g + " image " + image + " channels " + c0 + ".." + c1);
  }

  private static Window2d window(int[] v) {
    int c = v[0];
    int h = v[1];
    int w = v[2];
    int kh = v[3];
    int kw = v[4];
    int padH = v[5];
    int padW = v[6];
    int dilH = v[7];
    int dilW = v[8];
    int outH = h + 2 * padH - (kh - 1) * dilH;
    int outW = w + 2 * padW - (kw - 1) * dilW;
    return new Window2d(c, h, w, kh, kw, 1, 1, padH, padW, dilH, dilW, outH, outW);
  }
}
