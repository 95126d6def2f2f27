package io.vigil.engine.backend.cpu;

import io.vigil.engine.backend.Window2d;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link UnitStrideWindows} on the Vector API. A LeNet-5 or VGG row is 10 to 28 values wide; the
 * plain col2im pays a loop per row of each tap (an eighth of a LeNet-5 training epoch). Here each
 * input row gathers its taps in a register, a vector of lanes per step, loaded whole and masked by
 * a blend (masked loads and stores are slow on JDK 17), in the order the plain loop adds them: the
 * results are bit for bit the same, 2–4× faster on LeNet-5 and VGG rows. Stores may run past a row
 * into the next one, which is written afterwards anyway. Needs {@code --add-modules
 * jdk.incubator.vector}; loaded by name only when it is there.
 *
 * <p>The same approach for im2col (a whole-vector copy per row segment instead of {@code
 * arraycopy}), and im2col by gathers, measured no faster than the plain loop and were left out.
 */
final class VectorWindowOps implements UnitStrideWindows {

  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int LANES = S.length();

  /**
   * Lane masks as float rows: the row at {@code (lo·(LANES+1) + hi)·LANES} is 1 in lanes {@code
   * [lo, hi)} and 0 elsewhere; loaded and compared, which JDK 17 compiles to vector instructions
   * (unlike masks built from indices).
   */
  private static final float[] LANES_IN = new float[(LANES + 1) * (LANES + 1) * LANES];

  static final VectorWindowOps INSTANCE = new VectorWindowOps();

  static {
    for (int lo = 0; lo <= LANES; lo++) {
      for (int hi = 0; hi <= LANES; hi++) {
        for (int j = 0; j < LANES; j++) {
          LANES_IN[range(lo, hi) + j] = j >= lo && j < hi ? 1f : 0f;
        }
      }
    }
  }

  private static final ThreadLocal<Plans> PLANS = ThreadLocal.withInitial(Plans::new);

  private VectorWindowOps() {}

  private static int range(int lo, int hi) {
    return lo < hi ? (lo * (LANES + 1) + hi) * LANES : 0;
  }

  private static VectorMask<Float> outside(int range) {
    return FloatVector.fromArray(S, LANES_IN, range).compare(VectorOperators.EQ, 0f);
  }

  // --- col2im --------------------------------------------------------------------------------

  /**
   * Where an output row's taps are, for one window: for chunk {@code qi} of {@code LANES} values of
   * an input row and tap {@code (dy, dx)}, the columns' offset relative to the row's first
   * position, and the lanes that tap fills.
   */
  private record Col2imPlan(
      Window2d window,
      int chunks,
      int taps,
      int[] offset,
      int[] lanes,
      int minOffset,
      int maxOffset) {

    static Col2imPlan of(Window2d g) {
      int chunks = (g.width() + LANES - 1) / LANES;
      int taps = g.kernelH() * g.kernelW();
      int[] offset = new int[chunks * taps];
      int[] lanes = new int[chunks * taps];
      int min = Integer.MAX_VALUE;
      int max = Integer.MIN_VALUE;
      for (int qi = 0; qi < chunks; qi++) {
        int q = qi * LANES;
        for (int dy = 0; dy < g.kernelH(); dy++) {
          for (int dx = 0; dx < g.kernelW(); dx++) {
            // Lane j (input column q + j) reads output column q + j + shift of this tap's row.
            int shift = g.padW() - dx * g.dilationW();
            int lo = Math.max(0, -(q + shift));
            int hi = Math.min(LANES, Math.min(g.outW() - (q + shift), g.width() - q));
            int t = qi * taps + dy * g.kernelW() + dx;
            offset[t] =
                (dy * g.kernelW() + dx) * g.positions()
                    + (g.padH() - dy * g.dilationH()) * g.outW()
                    + q
                    + shift;
            lanes[t] = range(lo, hi);
            min = Math.min(min, offset[t]);
            max = Math.max(max, offset[t]);
          }
        }
      }
      return new Col2imPlan(g, chunks, taps, offset, lanes, min, max);
    }
  }

  @Override
  public void col2im(float[] cols, int colOff, Window2d g, float[] x, int xOff, int c0, int c1) {
    Plans plans = PLANS.get();
    if (plans.col2im == null || !plans.col2im.window().equals(g)) {
      plans.col2im = Col2imPlan.of(g);
    }
    Col2imPlan plan = plans.col2im;
    int h = g.height();
    int w = g.width();
    int kw = g.kernelW();
    int channelCols = g.kernelH() * kw * g.positions();
    // Stores may run past a row into the rows after it, which are written later, but not past
    // the last row of these channels: what follows may be another thread's.
    int end = xOff + c1 * h * w;
    for (int c = c0; c < c1; c++) {
      for (int y = 0; y < h; y++) {
        int base = colOff + c * channelCols + y * g.outW();
        int xRow = xOff + (c * h + y) * w;
        // Taps dy whose output row oy = y + padH − dy·dilation exists: a contiguous range.
        int dyLo = Math.max(0, ceilDiv(y + g.padH() - g.outH() + 1, g.dilationH()));
        int dyHi = Math.min(g.kernelH() - 1, Math.floorDiv(y + g.padH(), g.dilationH()));
        boolean inside =
            base + plan.minOffset() >= 0 && base + plan.maxOffset() + LANES <= cols.length;
        for (int qi = 0; qi < plan.chunks(); qi++) {
          int q = qi * LANES;
          int from = qi * plan.taps() + dyLo * kw;
          int to = qi * plan.taps() + (dyHi + 1) * kw;
          int d = xRow + q;
          int width = Math.min(LANES, w - q);
          if (!inside) {
            gatherScalar(plan, cols, base, from, to, x, d, width);
            continue;
          }
          FloatVector sum = FloatVector.zero(S);
          for (int t = from; t < to; t++) {
            FloatVector v = FloatVector.fromArray(S, cols, base + plan.offset()[t]);
            sum = sum.add(v.blend(0f, outside(plan.lanes()[t])));
          }
          if (d + LANES <= end) {
            sum.intoArray(x, d);
          } else {
            for (int j = 0; j < width; j++) {
              x[d + j] = sum.lane(j);
            }
          }
        }
      }
    }
  }

  /** The same sums one lane at a time, for rows whose whole-vector reads would leave the array. */
  private static void gatherScalar(
      Col2imPlan plan, float[] cols, int base, int from, int to, float[] x, int d, int width) {
    for (int j = 0; j < width; j++) {
      x[d + j] = 0f;
    }
    for (int t = from; t < to; t++) {
      int src = base + plan.offset()[t];
      int lanes = plan.lanes()[t];
      for (int j = 0; j < width; j++) {
        if (LANES_IN[lanes + j] != 0f) {
          x[d + j] += cols[src + j];
        }
      }
    }
  }

  private static int ceilDiv(int a, int b) {
    return -Math.floorDiv(-a, b);
  }

  /** Each thread's plans for the window it saw last. */
  private static final class Plans {
    Col2imPlan col2im;
  }
}
