package io.vigil.engine.backend;

import java.util.Arrays;

/**
 * Per-image kernels of the CPU backend for sliding-window ops (im2col, col2im, max pooling). Each
 * works on one image at a given offset so the backend can run images in parallel.
 */
final class CpuWindowOps {

  private CpuWindowOps() {}

  static void im2col(float[] x, int xOff, Window2d g, float[] cols, int colOff) {
    int positions = g.positions();
    int row = 0;
    for (int c = 0; c < g.channels(); c++) {
      int plane = xOff + c * g.height() * g.width();
      for (int dy = 0; dy < g.kernelH(); dy++) {
        for (int dx = 0; dx < g.kernelW(); dx++, row++) {
          int dst = colOff + row * positions;
          for (int oy = 0; oy < g.outH(); oy++) {
            int y = oy * g.strideH() - g.padH() + dy * g.dilationH();
            int d = dst + oy * g.outW();
            if (y < 0 || y >= g.height()) {
              Arrays.fill(cols, d, d + g.outW(), 0f);
              continue;
            }
            int src = plane + y * g.width();
            for (int ox = 0; ox < g.outW(); ox++) {
              int xx = ox * g.strideW() - g.padW() + dx * g.dilationW();
              cols[d + ox] = xx >= 0 && xx < g.width() ? x[src + xx] : 0f;
            }
          }
        }
      }
    }
  }

  static void col2im(float[] cols, int colOff, Window2d g, float[] x, int xOff) {
    Arrays.fill(x, xOff, xOff + g.inPerImage(), 0f);
    int positions = g.positions();
    int row = 0;
    for (int c = 0; c < g.channels(); c++) {
      int plane = xOff + c * g.height() * g.width();
      for (int dy = 0; dy < g.kernelH(); dy++) {
        for (int dx = 0; dx < g.kernelW(); dx++, row++) {
          int src = colOff + row * positions;
          for (int oy = 0; oy < g.outH(); oy++) {
            int y = oy * g.strideH() - g.padH() + dy * g.dilationH();
            if (y < 0 || y >= g.height()) {
              continue;
            }
            int dst = plane + y * g.width();
            int s = src + oy * g.outW();
            for (int ox = 0; ox < g.outW(); ox++) {
              int xx = ox * g.strideW() - g.padW() + dx * g.dilationW();
              if (xx >= 0 && xx < g.width()) {
                x[dst + xx] += cols[s + ox];
              }
            }
          }
        }
      }
    }
  }

  static void maxPoolForward(
      float[] x, int xOff, Window2d g, float[] out, int outOff, int[] switches, int swOff) {
    int j = 0;
    for (int c = 0; c < g.channels(); c++) {
      int planeIndex = c * g.height() * g.width();
      for (int oy = 0; oy < g.outH(); oy++) {
        int y0 = oy * g.strideH() - g.padH();
        for (int ox = 0; ox < g.outW(); ox++, j++) {
          int x0 = ox * g.strideW() - g.padW();
          float best = Float.NEGATIVE_INFINITY;
          int winner = -1;
          for (int y = Math.max(0, y0); y < Math.min(g.height(), y0 + g.kernelH()); y++) {
            for (int xx = Math.max(0, x0); xx < Math.min(g.width(), x0 + g.kernelW()); xx++) {
              int idx = planeIndex + y * g.width() + xx;
              float v = x[xOff + idx];
              // '>' keeps the first maximum, so ties route the gradient to one input only.
              if (v > best || winner < 0) {
                best = v;
                winner = idx;
              }
            }
          }
          out[outOff + j] = best;
          switches[swOff + j] = winner;
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
}
