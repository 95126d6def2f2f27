package io.vigil.engine.backend.cpu;

import io.vigil.engine.backend.Window2d;
import java.util.Arrays;

/**
 * Per-image kernels of the CPU backend for sliding-window ops (im2col, col2im, max pooling). Each
 * works on one image at a given offset so the backend can run images in parallel.
 */
final class CpuWindowOps {

  private static final PoolTap TAP = PoolTap.chosen();
  private static final UnitStrideWindows VECTOR = UnitStrideWindows.chosen();

  private CpuWindowOps() {}

  static void im2col(float[] x, int xOff, Window2d g, float[] cols, int colOff) {
    im2col(x, xOff, g, cols, colOff, 0, g.channels());
  }

  /** {@link #im2col} of channels {@code [c0, c1)} only: the rows they own. */
  static void im2col(float[] x, int xOff, Window2d g, float[] cols, int colOff, int c0, int c1) {
    int taps = g.kernelH() * g.kernelW();
    im2colRows(x, xOff, g, cols, colOff, c0 * taps, c1 * taps);
  }

  /**
   * {@link #im2col} of rows {@code [row0, row1)} of the column matrix only (row {@code (c·kH +
   * dy)·kW + dx} holds tap {@code (dy, dx)} of channel {@code c}): finer than channels, for a layer
   * of few channels split between threads (AlexNet's and ResNet's first, with 3).
   */
  static void im2colRows(
      float[] x, int xOff, Window2d g, float[] cols, int colOff, int row0, int row1) {
    im2colBlock(x, xOff, g, cols, colOff, row0, row1, 0, g.outH());
  }

  /**
   * {@link #im2colRows} of the output rows {@code [oy0, oy1)} only: a block of {@code (oy1 - oy0) ·
   * outW} columns, each row of the block that many floats after the last, so that a product can
   * take an image's columns a cache-sized block at a time instead of all of them at once.
   */
  static void im2colBlock(
      float[] x,
      int xOff,
      Window2d g,
      float[] cols,
      int colOff,
      int row0,
      int row1,
      int oy0,
      int oy1) {
    int outW = g.outW();
    int blockColumns = (oy1 - oy0) * outW;
    int strideW = g.strideW();
    int taps = g.kernelH() * g.kernelW();
    for (int row = row0; row < row1; row++) {
      int c = row / taps;
      int dy = (row - c * taps) / g.kernelW();
      int dx = row - c * taps - dy * g.kernelW();
      int plane = xOff + c * g.height() * g.width();
      int dst = colOff + row * blockColumns - oy0 * outW;
      // Column ox reads input column ox·S + base; only [lo, hi) fall inside the image, so
      // the inner loop needs no bounds test (and is a plain copy at stride 1).
      int base = dx * g.dilationW() - g.padW();
      int lo = firstInside(base, strideW, outW);
      int hi = endInside(base, strideW, g.width(), outW, lo);
      for (int oy = oy0; oy < oy1; oy++) {
        int y = oy * g.strideH() - g.padH() + dy * g.dilationH();
        int d = dst + oy * outW;
        if (y < 0 || y >= g.height()) {
          Arrays.fill(cols, d, d + outW, 0f);
          continue;
        }
        int src = plane + y * g.width() + base;
        // The margins are a value or two wide: a loop, not a call to Arrays.fill.
        for (int t = d; t < d + lo; t++) {
          cols[t] = 0f;
        }
        if (strideW == 1) {
          System.arraycopy(x, src + lo, cols, d + lo, hi - lo);
        } else {
          for (int ox = lo; ox < hi; ox++) {
            cols[d + ox] = x[src + ox * strideW];
          }
        }
        for (int t = d + hi; t < d + outW; t++) {
          cols[t] = 0f;
        }
      }
    }
  }

  /** The first output column whose input column {@code ox·stride + base} is ≥ 0. */
  private static int firstInside(int base, int stride, int outW) {
    return base >= 0 ? 0 : Math.min(outW, (-base + stride - 1) / stride);
  }

  /**
   * One past the last output column whose input column is {@code < width} (at least {@code lo}).
   */
  private static int endInside(int base, int stride, int width, int outW, int lo) {
    int span = width - base;
    int end = span <= 0 ? 0 : Math.min(outW, (span + stride - 1) / stride);
    return Math.max(lo, end);
  }

  static void col2im(float[] cols, int colOff, Window2d g, float[] x, int xOff) {
    col2im(cols, colOff, g, x, xOff, 0, g.channels());
  }

  /** {@link #col2im} into channels {@code [c0, c1)} only, from the rows they own. */
  static void col2im(float[] cols, int colOff, Window2d g, float[] x, int xOff, int c0, int c1) {
    if (VECTOR != null && UnitStrideWindows.suits(g)) {
      VECTOR.col2im(cols, colOff, g, x, xOff, c0, c1);
    } else {
      col2imLoops(cols, colOff, g, x, xOff, c0, c1);
    }
  }

  /** {@link #col2im} in plain loops, a row of each tap at a time. */
  static void col2imLoops(
      float[] cols, int colOff, Window2d g, float[] x, int xOff, int c0, int c1) {
    int planeSize = g.height() * g.width();
    Arrays.fill(x, xOff + c0 * planeSize, xOff + c1 * planeSize, 0f);
    int positions = g.positions();
    int outW = g.outW();
    int strideW = g.strideW();
    int row = c0 * g.kernelH() * g.kernelW();
    for (int c = c0; c < c1; c++) {
      int plane = xOff + c * g.height() * g.width();
      for (int dy = 0; dy < g.kernelH(); dy++) {
        for (int dx = 0; dx < g.kernelW(); dx++, row++) {
          int src = colOff + row * positions;
          int base = dx * g.dilationW() - g.padW();
          int lo = firstInside(base, strideW, outW);
          int hi = endInside(base, strideW, g.width(), outW, lo);
          for (int oy = 0; oy < g.outH(); oy++) {
            int y = oy * g.strideH() - g.padH() + dy * g.dilationH();
            if (y < 0 || y >= g.height()) {
              continue;
            }
            int dst = plane + y * g.width() + base;
            int s = src + oy * outW;
            if (strideW == 1) {
              // Unit stride: a loop C2 vectorizes; the adds land in the same order.
              for (int ox = lo; ox < hi; ox++) {
                x[dst + ox] += cols[s + ox];
              }
            } else {
              for (int ox = lo; ox < hi; ox++) {
                x[dst + ox * strideW] += cols[s + ox];
              }
            }
          }
        }
      }
    }
  }

  static void maxPoolForward(
      float[] x, int xOff, Window2d g, float[] out, int outOff, int[] switches, int swOff) {
    maxPoolForward(x, xOff, g, out, outOff, switches, swOff, 0, g.channels());
  }

  /** {@link #maxPoolForward} of channels {@code [c0, c1)} only. */
  static void maxPoolForward(
      float[] x,
      int xOff,
      Window2d g,
      float[] out,
      int outOff,
      int[] switches,
      int swOff,
      int c0,
      int c1) {
    if (TAP.planeForward(x, xOff, g, out, outOff, switches, swOff, c0, c1)) {
      return;
    }
    if (isUnpadded2x2(g)) {
      maxPool2x2(x, xOff, g, out, outOff, switches, swOff, c0, c1);
      return;
    }
    int h = g.height();
    int w = g.width();
    int outW = g.outW();
    int strideW = g.strideW();
    for (int c = c0; c < c1; c++) {
      int plane = c * h * w;
      for (int oy = 0; oy < g.outH(); oy++) {
        int o = outOff + (c * g.outH() + oy) * outW;
        int s = swOff + (c * g.outH() + oy) * outW;
        int y0 = oy * g.strideH() - g.padH();
        int yLo = Math.max(0, y0);
        int yHi = Math.min(h, y0 + g.kernelH());
        // Each window starts at its first cell inside the image, then every tap in row order
        // challenges it across the whole output row: the outputs of a row are independent, so
        // the CPU overlaps them instead of waiting on one window's chain of comparisons.
        for (int ox = 0; ox < outW; ox++) {
          int x0 = ox * strideW - g.padW();
          if (yLo >= yHi || x0 + g.kernelW() <= 0 || x0 >= w) {
            // A window wholly inside the padding: nothing to pick (padding never wins).
            out[o + ox] = Float.NEGATIVE_INFINITY;
            switches[s + ox] = -1;
          } else {
            int first = plane + yLo * w + Math.max(0, x0);
            out[o + ox] = x[xOff + first];
            switches[s + ox] = first;
          }
        }
        for (int y = yLo; y < yHi; y++) {
          int row = plane + y * w;
          for (int dx = 0; dx < g.kernelW(); dx++) {
            int base = dx - g.padW();
            int lo = firstInside(base, strideW, outW);
            int hi = endInside(base, strideW, w, outW, lo);
            TAP.challenge(x, xOff + row + base, strideW, row + base, out, o, switches, s, lo, hi);
          }
        }
      }
    }
  }

  static void maxPoolBackward(
      float[] dOut, int outOff, int[] switches, int swOff, Window2d g, float[] dIn, int inOff) {
    Arrays.fill(dIn, inOff, inOff + g.inPerImage(), 0f);
    int count = g.outPerImage();
    for (int j = 0; j < count; j++) {
      dIn[inOff + switches[swOff + j]] += dOut[outOff + j];
    }
  }

  /**
   * The values of {@link #maxPoolForward} for channels {@code [c0, c1)}, without the switches that
   * only training needs: for 2×2 windows inside the image, three independent Math.max per output
   * (no select to record a winner); other windows take the general path.
   */
  static void maxPoolValues(
      float[] x,
      int xOff,
      Window2d g,
      float[] out,
      int outOff,
      int[] switches,
      int swOff,
      int c0,
      int c1) {
    if (!isUnpadded2x2(g)) {
      if (!TAP.planeValues(x, xOff, g, out, outOff, c0, c1)) {
        maxPoolForward(x, xOff, g, out, outOff, switches, swOff, c0, c1);
      }
      return;
    }
    int w = g.width();
    int j = outOff + c0 * g.outH() * g.outW();
    for (int c = c0; c < c1; c++) {
      int planeIndex = xOff + c * g.height() * w;
      for (int oy = 0; oy < g.outH(); oy++) {
        int row = planeIndex + oy * g.strideH() * w;
        for (int ox = 0; ox < g.outW(); ox++, j++) {
          int idx = row + ox * g.strideW();
          float top = Math.max(x[idx], x[idx + 1]);
          float bottom = Math.max(x[idx + w], x[idx + w + 1]);
          out[j] = Math.max(top, bottom);
        }
      }
    }
  }

  /** A 2×2 window without padding whose every window lies inside the image (LeNet's pools). */
  private static boolean isUnpadded2x2(Window2d g) {
    return g.kernelH() == 2
        && g.kernelW() == 2
        && g.padH() == 0
        && g.padW() == 0
        && g.dilationH() == 1
        && g.dilationW() == 1
        && (g.outH() - 1) * g.strideH() + 2 <= g.height()
        && (g.outW() - 1) * g.strideW() + 2 <= g.width();
  }

  /**
   * {@link #maxPoolForward} for {@link #isUnpadded2x2} windows: the four inputs compared in the
   * general loop's order (row by row), so ties and switches are the same, without bounds tests.
   */
  private static void maxPool2x2(
      float[] x,
      int xOff,
      Window2d g,
      float[] out,
      int outOff,
      int[] switches,
      int swOff,
      int c0,
      int c1) {
    int w = g.width();
    int j = c0 * g.outH() * g.outW();
    for (int c = c0; c < c1; c++) {
      int planeIndex = c * g.height() * w;
      for (int oy = 0; oy < g.outH(); oy++) {
        int rowIndex = planeIndex + oy * g.strideH() * w;
        for (int ox = 0; ox < g.outW(); ox++, j++) {
          int idx = rowIndex + ox * g.strideW();
          // Int selects and Math.max rather than float selects, which C2 compiles to branches:
          // which input wins is data-dependent and unpredictable.
          float topLeft = x[xOff + idx];
          float topRight = x[xOff + idx + 1];
          float bottomLeft = x[xOff + idx + w];
          float bottomRight = x[xOff + idx + w + 1];
          int topAt = topRight > topLeft ? idx + 1 : idx;
          float top = Math.max(topLeft, topRight);
          int bottomAt = bottomRight > bottomLeft ? idx + w + 1 : idx + w;
          float bottom = Math.max(bottomLeft, bottomRight);
          // '>' keeps the top row on ties, as the general loop does.
          switches[swOff + j] = bottom > top ? bottomAt : topAt;
          out[outOff + j] = Math.max(top, bottom);
        }
      }
    }
  }
}
