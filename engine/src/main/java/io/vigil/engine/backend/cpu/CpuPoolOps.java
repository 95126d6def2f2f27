package io.vigil.engine.backend.cpu;

import io.vigil.engine.backend.PoolKind;
import io.vigil.engine.backend.Window2d;
import java.util.Arrays;

/**
 * Per-image average and L2-norm pooling kernels of the CPU backend (formulas in {@link PoolKind}).
 */
final class CpuPoolOps {

  private CpuPoolOps() {}

  static void forward(PoolKind kind, float[] x, int xOff, Window2d g, float[] out, int outOff) {
    float inv = 1f / (g.kernelH() * g.kernelW());
    int j = 0;
    for (int c = 0; c < g.channels(); c++) {
      int plane = xOff + c * g.height() * g.width();
      for (int oy = 0; oy < g.outH(); oy++) {
        int y0 = oy * g.strideH() - g.padH();
        for (int ox = 0; ox < g.outW(); ox++, j++) {
          int x0 = ox * g.strideW() - g.padW();
          double sum = 0;
          for (int y = Math.max(0, y0); y < Math.min(g.height(), y0 + g.kernelH()); y++) {
            int row = plane + y * g.width();
            for (int xx = Math.max(0, x0); xx < Math.min(g.width(), x0 + g.kernelW()); xx++) {
              float v = x[row + xx];
              sum += kind == PoolKind.L2 ? (double) v * v : v;
            }
          }
          out[outOff + j] = kind == PoolKind.L2 ? (float) Math.sqrt(sum) : (float) sum * inv;
        }
      }
    }
  }

  static void backward(
      PoolKind kind,
      float[] x,
      int xOff,
      float[] out,
      int outOff,
      float[] dOut,
      int dOutOff,
      Window2d g,
      float[] dIn,
      int dInOff) {
    Arrays.fill(dIn, dInOff, dInOff + g.inPerImage(), 0f);
    float inv = 1f / (g.kernelH() * g.kernelW());
    int j = 0;
    for (int c = 0; c < g.channels(); c++) {
      int planeIndex = c * g.height() * g.width();
      for (int oy = 0; oy < g.outH(); oy++) {
        int y0 = oy * g.strideH() - g.padH();
        for (int ox = 0; ox < g.outW(); ox++, j++) {
          int x0 = ox * g.strideW() - g.padW();
          float factor;
          if (kind == PoolKind.L2) {
            float norm = out[outOff + j];
            // The norm is not differentiable at 0; take the subgradient 0 there.
            factor = norm > 0f ? dOut[dOutOff + j] / norm : 0f;
          } else {
            factor = dOut[dOutOff + j] * inv;
          }
          for (int y = Math.max(0, y0); y < Math.min(g.height(), y0 + g.kernelH()); y++) {
            int row = planeIndex + y * g.width();
            for (int xx = Math.max(0, x0); xx < Math.min(g.width(), x0 + g.kernelW()); xx++) {
              dIn[dInOff + row + xx] += kind == PoolKind.L2 ? factor * x[xOff + row + xx] : factor;
            }
          }
        }
      }
    }
  }
}
