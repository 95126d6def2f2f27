package io.vigil.engine.backend.cpu;

import io.vigil.engine.backend.Window2d;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link PoolTap} on the Vector API: a vector of outputs per step, the inputs gathered at the
 * window stride, the winners chosen by a mask (no branch to mispredict). 3×3/2 max pooling (ResNet,
 * AlexNet) goes from about 15 ns to a few per output. Needs {@code --add-modules
 * jdk.incubator.vector}; loaded by name only when it is there.
 */
final class VectorPoolTap implements PoolTap {

  private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
  private static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;
  private static final int LANES = F.length();

  /** Strides up to this have a gather map; wider ones (rare) run the scalar loop. */
  private static final int MAX_STRIDE = 4;

  /** {@code LANE_OFFSETS[s][lane] = lane·s}: the gather map and the switch index step. */
  private static final int[][] LANE_OFFSETS = new int[MAX_STRIDE + 1][LANES];

  /** Declared after the constants its constructor reads. */
  static final VectorPoolTap INSTANCE = new VectorPoolTap();

  static {
    for (int s = 0; s <= MAX_STRIDE; s++) {
      for (int lane = 0; lane < LANES; lane++) {
        LANE_OFFSETS[s][lane] = lane * s;
      }
    }
  }

  private VectorPoolTap() {
    if (I.length() != LANES) {
      throw new IllegalStateException("float and int vectors differ in lanes on this CPU");
    }
  }

  @Override
  public void challenge(
      float[] x,
      int first,
      int stride,
      int firstIndex,
      float[] out,
      int o,
      int[] switches,
      int s,
      int lo,
      int hi) {
    int ox = lo;
    if (stride >= 1 && stride <= MAX_STRIDE) {
      for (; ox + LANES <= hi; ox += LANES) {
        challengeVector(x, first, stride, firstIndex, out, o, switches, s, ox);
      }
      if (ox < hi && hi - lo >= LANES) {
        // The last outputs as one vector ending at hi: those it shares with the loop above are
        // challenged again by the same input, which changes nothing (it no longer beats them).
        challengeVector(x, first, stride, firstIndex, out, o, switches, s, hi - LANES);
        return;
      }
    }
    PoolTap.SCALAR.challenge(x, first, stride, firstIndex, out, o, switches, s, ox, hi);
  }

  /** Outputs {@code [ox, ox + LANES)} against their inputs, gathered at the stride. */
  private static void challengeVector(
      float[] x,
      int first,
      int stride,
      int firstIndex,
      float[] out,
      int o,
      int[] switches,
      int s,
      int ox) {
    int[] offsets = LANE_OFFSETS[stride];
    FloatVector v =
        stride == 1
            ? FloatVector.fromArray(F, x, first + ox)
            : FloatVector.fromArray(F, x, first + ox * stride, offsets, 0);
    FloatVector best = FloatVector.fromArray(F, out, o + ox);
    VectorMask<Float> wins = v.compare(VectorOperators.GT, best);
    best.blend(v, wins).intoArray(out, o + ox);
    IntVector index = IntVector.fromArray(I, offsets, 0).add(firstIndex + ox * stride);
    IntVector.fromArray(I, switches, s + ox).blend(index, wins.cast(I)).intoArray(switches, s + ox);
  }

  /**
   * Each plane's outputs in vectors, each tap of a vector of outputs gathered through an index map:
   * rows as narrow as AlexNet's 13 and 6 outputs leave the row-wise loop mostly to its scalar
   * remainder. A tap in the padding reads the nearest pixel of the same window instead, which
   * leaves its maximum as it is. The last vector overlaps the one before it and computes the same
   * values again.
   */
  @Override
  public boolean planeValues(
      float[] x, int xOff, Window2d g, float[] out, int outOff, int c0, int c1) {
    int[] map = PlaneMaps.of(g, true);
    if (map == null) {
      return false;
    }
    int plane = g.outH() * g.outW();
    int taps = g.kernelH() * g.kernelW();
    int inPlane = g.height() * g.width();
    for (int c = c0; c < c1; c++) {
      int xb = xOff + c * inPlane;
      int ob = outOff + c * plane;
      for (int p = 0; p < plane; p += LANES) {
        int q = Math.min(p, plane - LANES);
        FloatVector best = FloatVector.fromArray(F, x, xb, map, q);
        for (int t = 1; t < taps; t++) {
          FloatVector v = FloatVector.fromArray(F, x, xb, map, t * plane + q);
          best = best.blend(v, v.compare(VectorOperators.GT, best));
        }
        best.intoArray(out, ob + q);
      }
    }
    return true;
  }

  /**
   * {@link #planeValues} with the switches, for windows without padding (where a stand-in pixel
   * could take a tie from the first maximum in row order). Each output starts from its first tap; a
   * later tap wins only if greater, so ties keep the first. Kept apart from {@link #planeValues}
   * rather than one loop with optional switches: a vector assigned on two paths in a hot loop is
   * boxed by JDK 17's compiler.
   */
  @Override
  public boolean planeForward(
      float[] x,
      int xOff,
      Window2d g,
      float[] out,
      int outOff,
      int[] switches,
      int swOff,
      int c0,
      int c1) {
    int[] map = PlaneMaps.of(g, false);
    if (map == null) {
      return false;
    }
    int plane = g.outH() * g.outW();
    int taps = g.kernelH() * g.kernelW();
    int inPlane = g.height() * g.width();
    for (int c = c0; c < c1; c++) {
      int xb = xOff + c * inPlane;
      int ob = outOff + c * plane;
      int sb = swOff + c * plane;
      int planeStart = c * inPlane;
      for (int p = 0; p < plane; p += LANES) {
        int q = Math.min(p, plane - LANES);
        FloatVector best = FloatVector.fromArray(F, x, xb, map, q);
        IntVector at = IntVector.fromArray(I, map, q);
        for (int t = 1; t < taps; t++) {
          FloatVector v = FloatVector.fromArray(F, x, xb, map, t * plane + q);
          VectorMask<Float> wins = v.compare(VectorOperators.GT, best);
          best = best.blend(v, wins);
          at = at.blend(IntVector.fromArray(I, map, t * plane + q), wins.cast(I));
        }
        best.intoArray(out, ob + q);
        at.add(planeStart).intoArray(switches, sb + q);
      }
    }
    return true;
  }

  /** A thread's index maps for the last window it pooled. */
  private static final class PlaneMaps {
    Window2d window;

    /** Tap t of output p reads the plane's input {@code map[t·plane + p]}. */
    int[] map = new int[0];

    /**
     * This thread's maps for {@code g}, or null where the plane path does not apply: planes of
     * fewer outputs than a vector, a window wholly in the padding, or any padding at all unless
     * {@code padded} (stand-in pixels are fine for values, not for switches).
     */
    static int[] of(Window2d g, boolean padded) {
      if (g.outH() * g.outW() < LANES
          || !everyWindowMeetsTheImage(g)
          || (!padded && (g.padH() != 0 || g.padW() != 0))) {
        return null;
      }
      PlaneMaps maps = PLANE_MAPS.get();
      if (!g.equals(maps.window)) {
        maps.build(g);
      }
      return maps.map;
    }

    /** True when no window lies wholly in the padding (each has a pixel to stand in for it). */
    private static boolean everyWindowMeetsTheImage(Window2d g) {
      return g.padH() <= (g.kernelH() - 1) * g.dilationH()
          && g.padW() <= (g.kernelW() - 1) * g.dilationW()
          && (g.outH() - 1) * g.strideH() - g.padH() < g.height()
          && (g.outW() - 1) * g.strideW() - g.padW() < g.width();
    }

    void build(Window2d g) {
      int plane = g.outH() * g.outW();
      map = new int[g.kernelH() * g.kernelW() * plane];
      int t = 0;
      for (int dy = 0; dy < g.kernelH(); dy++) {
        for (int dx = 0; dx < g.kernelW(); dx++, t++) {
          for (int oy = 0; oy < g.outH(); oy++) {
            int y0 = oy * g.strideH() - g.padH();
            int y = clamp(y0 + dy * g.dilationH(), Math.max(0, y0), g.height() - 1);
            for (int ox = 0; ox < g.outW(); ox++) {
              int x0 = ox * g.strideW() - g.padW();
              int x = clamp(x0 + dx * g.dilationW(), Math.max(0, x0), g.width() - 1);
              map[t * plane + oy * g.outW() + ox] = y * g.width() + x;
            }
          }
        }
      }
      window = g;
    }

    private static int clamp(int v, int lo, int hi) {
      return Math.max(lo, Math.min(hi, v));
    }
  }

  private static final ThreadLocal<PlaneMaps> PLANE_MAPS = ThreadLocal.withInitial(PlaneMaps::new);
}
