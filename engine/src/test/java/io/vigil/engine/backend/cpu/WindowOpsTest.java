package io.vigil.engine.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.engine.backend.Window2d;
import io.vigil.engine.tensor.IntTensor;
import io.vigil.engine.tensor.Shape;
import io.vigil.engine.tensor.Tensor;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The CPU window kernels' fast paths against a plain reference. */
class WindowOpsTest {

  @Test
  void twoByTwoMaxPoolPicksTheFirstMaximumInRowOrderLikeTheGeneralLoop() {
    for (int stride : new int[] {2, 1}) {
      int outH = (7 - 2) / stride + 1;
      int outW = (9 - 2) / stride + 1;
      assertMaxPoolMatchesReference(new Window2d(3, 7, 9, 2, 2, stride, stride, 0, 0, outH, outW));
    }
  }

  @Test
  void paddedAndOverlappingMaxPoolPicksTheFirstMaximumInsideTheImage() {
    // ResNet's 3×3/2 with padding 1, AlexNet's overlapping 3×3/2, and a padded 2×2/1.
    assertMaxPoolMatchesReference(new Window2d(2, 9, 11, 3, 3, 2, 2, 1, 1, 5, 6));
    assertMaxPoolMatchesReference(new Window2d(2, 11, 13, 3, 3, 2, 2, 0, 0, 5, 6));
    assertMaxPoolMatchesReference(new Window2d(2, 5, 6, 2, 2, 1, 1, 1, 1, 6, 7));
    // Rows wide enough for whole vectors of outputs, at strides 2, 1 and 3 (and a remainder).
    assertMaxPoolMatchesReference(new Window2d(2, 9, 70, 3, 3, 2, 2, 1, 1, 5, 35));
    assertMaxPoolMatchesReference(new Window2d(1, 4, 40, 3, 3, 1, 1, 1, 1, 4, 40));
    assertMaxPoolMatchesReference(new Window2d(1, 6, 101, 3, 3, 3, 3, 0, 0, 2, 33));
  }

  @Test
  void inferencePoolingOfWholePlanesGivesTheValuesOfTheRowWiseLoop() {
    // AlexNet's three 3×3/2 pools (55 → 27, 27 → 13, 13 → 6), a 3×3/1, a 2×2/3 with leftover
    // input, and a plane of fewer outputs than a vector (the row-wise loop takes that one).
    assertMaxPoolMatchesReference(new Window2d(3, 55, 55, 3, 3, 2, 2, 0, 0, 27, 27));
    assertMaxPoolMatchesReference(new Window2d(2, 27, 27, 3, 3, 2, 2, 0, 0, 13, 13));
    assertMaxPoolMatchesReference(new Window2d(4, 13, 13, 3, 3, 2, 2, 0, 0, 6, 6));
    assertMaxPoolMatchesReference(new Window2d(2, 9, 7, 3, 3, 1, 1, 0, 0, 7, 5));
    assertMaxPoolMatchesReference(new Window2d(2, 11, 14, 2, 2, 3, 3, 0, 0, 4, 5));
    assertMaxPoolMatchesReference(new Window2d(2, 7, 7, 3, 3, 2, 2, 0, 0, 3, 3));
    // Padded: ResNet's 3×3/2 (112 → 56), and padding as wide as the window's reach.
    assertMaxPoolMatchesReference(new Window2d(1, 112, 112, 3, 3, 2, 2, 1, 1, 56, 56));
    assertMaxPoolMatchesReference(new Window2d(2, 6, 9, 3, 3, 1, 1, 2, 2, 8, 11));
    // A range of channels leaves the others alone.
    Window2d g = new Window2d(5, 13, 13, 3, 3, 2, 2, 0, 0, 6, 6);
    float[] x = new float[g.inPerImage()];
    Random random = new Random(3);
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) random.nextGaussian();
    }
    float[] all = new float[g.outPerImage()];
    CpuWindowOps.maxPoolValues(x, 0, g, all, 0, new int[all.length], 0, 0, 5);
    float[] some = new float[g.outPerImage()];
    java.util.Arrays.fill(some, Float.NaN);
    CpuWindowOps.maxPoolValues(x, 0, g, some, 0, new int[all.length], 0, 1, 3);
    for (int i = 0; i < all.length; i++) {
      int c = i / 36;
      float expected = c >= 1 && c < 3 ? all[i] : Float.NaN;
      org.junit.jupiter.api.Assertions.assertEquals(expected, some[i], "output " + i);
    }
  }

  @Test
  void aThreeChannelLayerAtBatchOneSplitsItsColumnRowsBetweenThreads() {
    // AlexNet's first layer in small: 3 channels, 11×11 taps at stride 4, 363 rows of columns,
    // enough work to split; the threads take rows, not channels (which would split 1 : 2).
    Window2d conv = new Window2d(3, 63, 63, 11, 11, 4, 4, 0, 0, 14, 14);
    Random random = new Random(4);
    float[] x = new float[conv.inPerImage()];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) random.nextGaussian();
    }
    float[] expected = new float[conv.colsPerImage()];
    CpuWindowOps.im2col(x, 0, conv, expected, 0);
    for (int threads = 2; threads <= 3; threads++) {
      CpuBackend backend = new CpuBackend(threads);
      Tensor images = backend.allocate(new Shape(1, 3, 63, 63));
      backend.upload(x, 0, images, 0, x.length);
      Tensor cols = backend.allocate(new Shape(1, conv.patchSize(), 14, 14));
      backend.fill(cols, Float.NaN);
      backend.im2col(images, conv, cols);
      assertArrayEquals(expected, download(backend, cols), "im2col on " + threads + " threads");
    }
    // Any row range of the plain loop gives those rows.
    float[] rows = new float[expected.length];
    java.util.Arrays.fill(rows, Float.NaN);
    CpuWindowOps.im2colRows(x, 0, conv, rows, 0, 100, 250);
    int q = conv.positions();
    assertArrayEquals(
        java.util.Arrays.copyOfRange(expected, 100 * q, 250 * q),
        java.util.Arrays.copyOfRange(rows, 100 * q, 250 * q));
    assertTrue(Float.isNaN(rows[100 * q - 1]) && Float.isNaN(rows[250 * q]), "outside the range");
  }

  @Test
  void fewerImagesThanThreadsSplitChannelsWithTheSameResults() {
    // 2 images of 5 channels on 3 threads: 10 (image, channel) items in shares of 3, 3 and 4,
    // one of which crosses from the first image into the second.
    CpuBackend backend = new CpuBackend(3);
    int n = 2;
    Window2d conv = new Window2d(5, 9, 8, 3, 3, 2, 1, 1, 1, 5, 8);
    Window2d pool = new Window2d(5, 9, 8, 3, 3, 2, 2, 1, 1, 5, 4);
    Random random = new Random(9);
    float[] x = new float[n * conv.inPerImage()];
    for (int i = 0; i < x.length; i++) {
      x[i] = random.nextInt(5) - 2;
    }
    Tensor images = backend.allocate(new Shape(n, 5, 9, 8));
    backend.upload(x, 0, images, 0, x.length);

    Tensor cols = backend.allocate(new Shape(n, conv.patchSize(), 5, 8));
    backend.im2col(images, conv, cols);
    float[] expectedCols = new float[n * conv.colsPerImage()];
    for (int i = 0; i < n; i++) {
      CpuWindowOps.im2col(x, i * conv.inPerImage(), conv, expectedCols, i * conv.colsPerImage());
    }
    assertArrayEquals(expectedCols, download(backend, cols), "im2col");

    Tensor back = backend.allocate(images.shape());
    backend.col2im(cols, conv, back);
    float[] expectedBack = new float[x.length];
    for (int i = 0; i < n; i++) {
      CpuWindowOps.col2im(
          expectedCols, i * conv.colsPerImage(), conv, expectedBack, i * conv.inPerImage());
    }
    assertArrayEquals(expectedBack, download(backend, back), "col2im");

    Tensor pooled = backend.allocate(new Shape(n, 5, 5, 4));
    IntTensor switches = backend.allocateInts(n * pool.outPerImage());
    backend.maxPoolForward(images, pool, pooled, switches);
    float[] expectedPooled = new float[n * pool.outPerImage()];
    int[] expectedSwitches = new int[expectedPooled.length];
    for (int i = 0; i < n; i++) {
      CpuWindowOps.maxPoolForward(
          x,
          i * pool.inPerImage(),
          pool,
          expectedPooled,
          i * pool.outPerImage(),
          expectedSwitches,
          i * pool.outPerImage());
    }
    assertArrayEquals(expectedPooled, download(backend, pooled), "max pool");
  }

  private static float[] download(CpuBackend backend, Tensor t) {
    float[] v = new float[t.size()];
    backend.download(t, 0, v, 0, v.length);
    return v;
  }

  /**
   * Values from {0, 1, 2}, so most windows hold ties, which must route to the first maximum in row
   * order; padding cells never win.
   */
  private static void assertMaxPoolMatchesReference(Window2d g) {
    Random random = new Random(5);
    float[] x = new float[g.inPerImage()];
    for (int i = 0; i < x.length; i++) {
      x[i] = random.nextInt(3);
    }
    float[] out = new float[g.outPerImage()];
    int[] switches = new int[out.length];
    CpuWindowOps.maxPoolForward(x, 0, g, out, 0, switches, 0);

    float[] expectedOut = new float[out.length];
    int[] expectedSwitches = new int[out.length];
    int j = 0;
    for (int c = 0; c < g.channels(); c++) {
      for (int oy = 0; oy < g.outH(); oy++) {
        for (int ox = 0; ox < g.outW(); ox++, j++) {
          int best = -1;
          for (int dy = 0; dy < g.kernelH(); dy++) {
            for (int dx = 0; dx < g.kernelW(); dx++) {
              int y = oy * g.strideH() - g.padH() + dy;
              int xx = ox * g.strideW() - g.padW() + dx;
              if (y < 0 || y >= g.height() || xx < 0 || xx >= g.width()) {
                continue;
              }
              int at = (c * g.height() + y) * g.width() + xx;
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
    assertArrayEquals(expectedOut, out, g.toString());
    assertArrayEquals(expectedSwitches, switches, g.toString());
    // Inference takes the values alone, by another path for 2×2 windows: the same values.
    float[] values = new float[out.length];
    CpuWindowOps.maxPoolValues(x, 0, g, values, 0, new int[out.length], 0, 0, g.channels());
    assertArrayEquals(expectedOut, values, "values only, " + g);
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
