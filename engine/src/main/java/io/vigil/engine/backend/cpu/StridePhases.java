package io.vigil.engine.backend.cpu;

import io.vigil.engine.backend.Window2d;
import java.util.Arrays;

/**
 * An image split into the phases of a strided window ({@code strideH × strideW} of them per
 * channel): phase {@code (py, px)} holds input rows {@code py, py + sH, py + 2·sH, …} and columns
 * {@code px, px + sW, …}. A tap of a strided window reads one phase at stride 1, so unfolding it is
 * a copy of contiguous runs ({@code System.arraycopy}) instead of a gather of every other value:
 * ResNet-18's first layer (7 × 7, stride 2) gathers 1.8 million values per image one by one, which
 * took longer than its product. Splitting the image reads it once (3 × 224 × 224 values there).
 */
final class StridePhases {

  private StridePhases() {}

  /** Floats of one image's phases: as many as the image has. */
  static int floats(Window2d g) {
    return g.inPerImage();
  }

  /** Splits the image at {@code x[xOff]} into its phases at {@code out[outOff]}. */
  static void split(float[] x, int xOff, Window2d g, float[] out, int outOff) {
    int sH = g.strideH();
    int sW = g.strideW();
    int h = g.height();
    int w = g.width();
    int d = outOff;
    for (int c = 0; c < g.channels(); c++) {
      int plane = xOff + c * h * w;
      for (int py = 0; py < sH; py++) {
        for (int px = 0; px < sW; px++) {
          int wp = span(w, px, sW);
          for (int y = py; y < h; y += sH) {
            int src = plane + y * w + px;
            for (int q = 0; q < wp; q++) {
              out[d + q] = x[src + q * sW];
            }
            d += wp;
          }
        }
      }
    }
  }

  /**
   * {@link CpuWindowOps#im2colBlock} read from the phases {@link #split} made: rows {@code [row0,
   * row1)} of the columns of output rows {@code [oy0, oy1)}, the same values in the same places.
   */
  static void im2colBlock(
      float[] phases,
      int phasesOff,
      Window2d g,
      float[] cols,
      int colOff,
      int row0,
      int row1,
      int oy0,
      int oy1) {
    int sH = g.strideH();
    int sW = g.strideW();
    int h = g.height();
    int w = g.width();
    int outW = g.outW();
    int blockColumns = (oy1 - oy0) * outW;
    int taps = g.kernelH() * g.kernelW();
    for (int row = row0; row < row1; row++) {
      int c = row / taps;
      int dy = (row - c * taps) / g.kernelW();
      int dx = row - c * taps - dy * g.kernelW();
      // Input row oy·sH + a lies in phase row py at index oy + fy; columns likewise.
      int a = dy * g.dilationH() - g.padH();
      int b = dx * g.dilationW() - g.padW();
      int py = Math.floorMod(a, sH);
      int px = Math.floorMod(b, sW);
      int fy = Math.floorDiv(a, sH);
      int fx = Math.floorDiv(b, sW);
      int hp = span(h, py, sH);
      int wp = span(w, px, sW);
      int phase = phasesOff + c * h * w + offset(h, w, sH, sW, py, px);
      // Output columns whose phase column ox + fx lies in [0, wp).
      int lo = Math.min(outW, Math.max(0, -fx));
      int hi = Math.max(lo, Math.min(outW, wp - fx));
      int dst = colOff + row * blockColumns - oy0 * outW;
      for (int oy = oy0; oy < oy1; oy++) {
        int r = oy + fy;
        int d = dst + oy * outW;
        if (r < 0 || r >= hp) {
          Arrays.fill(cols, d, d + outW, 0f);
          continue;
        }
        for (int t = d; t < d + lo; t++) {
          cols[t] = 0f;
        }
        System.arraycopy(phases, phase + r * wp + fx + lo, cols, d + lo, hi - lo);
        for (int t = d + hi; t < d + outW; t++) {
          cols[t] = 0f;
        }
      }
    }
  }

  /** How many of {@code size} positions {@code p, p + s, p + 2s, …} there are. */
  private static int span(int size, int p, int s) {
    return p >= size ? 0 : (size - p + s - 1) / s;
  }

  /** Where phase {@code (py, px)} starts within its channel's phases. */
  private static int offset(int h, int w, int sH, int sW, int py, int px) {
    int at = 0;
    for (int qy = 0; qy < sH; qy++) {
      for (int qx = 0; qx < sW; qx++) {
        if (qy == py && qx == px) {
          return at;
        }
        at += span(h, qy, sH) * span(w, qx, sW);
      }
    }
    throw new IllegalArgumentException(
        "phase (" + py + ", " + px + ") of a stride " + sH + "×" + sW);
  }
}
