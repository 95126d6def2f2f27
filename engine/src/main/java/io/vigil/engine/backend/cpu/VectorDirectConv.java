package io.vigil.engine.backend.cpu;

import io.vigil.engine.backend.Window2d;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Direct convolution on the Vector API for stride 1 and few taps per filter (LeNet-5: 1 × 5 × 5 and
 * 6 × 5 × 5): no column matrix. The image is copied once into a zero-padded plane per channel,
 * {@code Wp = W + 2·padW} wide; output row {@code oy} is then computed {@code Wp} wide, so that one
 * run of positions {@code oy·Wp + ox} reads input {@code (oy + ky)·Wp + ox + kx}: contiguous for
 * every tap, a plain vector load, rows and all. The {@code Wp − outW} extra columns per row are
 * dropped when the result is copied out.
 *
 * <p>Each step multiplies two vectors of positions by four filters' weight for one tap (six loads
 * for eight FMAs). For LeNet-5 this replaces an im2col that costs more than the product and a GEMM
 * whose 16 × 100 and 6 × 784 shapes fill few of its tiles. The sums run in tap order (channel, row,
 * column), not the GEMM's order: results agree to rounding, not bit for bit. Needs {@code
 * --add-modules jdk.incubator.vector}; loaded by name ({@link DirectConvolution#chosen}) only when
 * it is there.
 */
final class VectorDirectConv implements DirectConvolution {

  static final VectorDirectConv INSTANCE = new VectorDirectConv();

  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int LANES = S.length();

  /** Positions per step: two vectors. */
  private static final int SPAN = 2 * LANES;

  /** Filters per step. */
  private static final int FILTERS = 4;

  /** Per-thread padded input and wide output, grown to the largest image seen. */
  private static final class Scratch {
    float[] input = new float[0];
    float[] output = new float[0];
    int[] tapOffset = new int[0];
  }

  private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

  private VectorDirectConv() {}

  @Override
  public void convolve(
      float[] x,
      int xOff,
      Window2d g,
      int groups,
      float[] w,
      int wOff,
      int filters,
      float[] out,
      int outOff) {
    int hp = g.height() + 2 * g.padH();
    int wp = g.width() + 2 * g.padW();
    int plane = hp * wp;
    int cg = g.channels() / groups;
    int kg = filters / groups;
    int taps = cg * g.kernelH() * g.kernelW();
    // Positions are computed in whole steps; the last step may read past the last row.
    int positions = g.outH() * wp;
    int steps = (positions + SPAN - 1) / SPAN;
    int overrun = steps * SPAN - positions + (g.kernelH() - 1) * wp + g.kernelW();
    Scratch s = SCRATCH.get();
    float[] in = padded(s, x, xOff, g, plane * g.channels() + overrun);
    if (s.output.length < kg * steps * SPAN) {
      s.output = new float[kg * steps * SPAN];
    }
    float[] wide = s.output;
    if (s.tapOffset.length < taps) {
      s.tapOffset = new int[taps];
    }
    int[] tapOffset = s.tapOffset;
    for (int j = 0; j < groups; j++) {
      int t = 0;
      for (int c = 0; c < cg; c++) {
        for (int ky = 0; ky < g.kernelH(); ky++) {
          for (int kx = 0; kx < g.kernelW(); kx++) {
            tapOffset[t++] = (j * cg + c) * plane + ky * wp + kx;
          }
        }
      }
      int f = 0;
      for (; f + FILTERS <= kg; f += FILTERS) {
        int wf = wOff + (j * kg + f) * taps;
        for (int step = 0; step < steps; step++) {
          fourFilters(in, tapOffset, taps, step * SPAN, w, wf, wide, f * steps * SPAN, steps);
        }
      }
      for (; f < kg; f++) {
        int wf = wOff + (j * kg + f) * taps;
        for (int step = 0; step < steps; step++) {
          oneFilter(in, tapOffset, taps, step * SPAN, w, wf, wide, f * steps * SPAN);
        }
      }
      // Keep the outW real columns of each row.
      int outPlane = g.outH() * g.outW();
      for (int fi = 0; fi < kg; fi++) {
        int dst = outOff + (j * kg + fi) * outPlane;
        int src = fi * steps * SPAN;
        for (int oy = 0; oy < g.outH(); oy++) {
          System.arraycopy(wide, src + oy * wp, out, dst + oy * g.outW(), g.outW());
        }
      }
    }
  }

  /** The image in zero-padded planes, {@code size} floats with the zeros past the end. */
  private static float[] padded(Scratch s, float[] x, int xOff, Window2d g, int size) {
    if (s.input.length < size) {
      s.input = new float[size];
    }
    float[] in = s.input;
    Arrays.fill(in, 0, size, 0f);
    int wp = g.width() + 2 * g.padW();
    int plane = (g.height() + 2 * g.padH()) * wp;
    for (int c = 0; c < g.channels(); c++) {
      for (int y = 0; y < g.height(); y++) {
        System.arraycopy(
            x,
            xOff + (c * g.height() + y) * g.width(),
            in,
            c * plane + (y + g.padH()) * wp + g.padW(),
            g.width());
      }
    }
    return in;
  }

  /** Positions {@code [p, p + SPAN)} of four filters (weights from {@code wf}, taps apart). */
  private static void fourFilters(
      float[] in,
      int[] tapOffset,
      int taps,
      int p,
      float[] w,
      int wf,
      float[] wide,
      int o,
      int steps) {
    FloatVector a0 = FloatVector.zero(S);
    FloatVector a1 = a0;
    FloatVector b0 = a0;
    FloatVector b1 = a0;
    FloatVector c0 = a0;
    FloatVector c1 = a0;
    FloatVector d0 = a0;
    FloatVector d1 = a0;
    for (int t = 0; t < taps; t++) {
      int at = tapOffset[t] + p;
      FloatVector x0 = FloatVector.fromArray(S, in, at);
      FloatVector x1 = FloatVector.fromArray(S, in, at + LANES);
      FloatVector wa = FloatVector.broadcast(S, w[wf + t]);
      a0 = x0.fma(wa, a0);
      a1 = x1.fma(wa, a1);
      FloatVector wb = FloatVector.broadcast(S, w[wf + taps + t]);
      b0 = x0.fma(wb, b0);
      b1 = x1.fma(wb, b1);
      FloatVector wc = FloatVector.broadcast(S, w[wf + 2 * taps + t]);
      c0 = x0.fma(wc, c0);
      c1 = x1.fma(wc, c1);
      FloatVector wd = FloatVector.broadcast(S, w[wf + 3 * taps + t]);
      d0 = x0.fma(wd, d0);
      d1 = x1.fma(wd, d1);
    }
    int filterStride = steps * SPAN;
    a0.intoArray(wide, o + p);
    a1.intoArray(wide, o + p + LANES);
    b0.intoArray(wide, o + filterStride + p);
    b1.intoArray(wide, o + filterStride + p + LANES);
    c0.intoArray(wide, o + 2 * filterStride + p);
    c1.intoArray(wide, o + 2 * filterStride + p + LANES);
    d0.intoArray(wide, o + 3 * filterStride + p);
    d1.intoArray(wide, o + 3 * filterStride + p + LANES);
  }

  /** Positions {@code [p, p + SPAN)} of one filter. */
  private static void oneFilter(
      float[] in, int[] tapOffset, int taps, int p, float[] w, int wf, float[] wide, int o) {
    FloatVector a0 = FloatVector.zero(S);
    FloatVector a1 = a0;
    for (int t = 0; t < taps; t++) {
      int at = tapOffset[t] + p;
      FloatVector wa = FloatVector.broadcast(S, w[wf + t]);
      a0 = FloatVector.fromArray(S, in, at).fma(wa, a0);
      a1 = FloatVector.fromArray(S, in, at + LANES).fma(wa, a1);
    }
    a0.intoArray(wide, o + p);
    a1.intoArray(wide, o + p + LANES);
  }
}
