package io.vigil.engine.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * The kernels of {@link VectorWinogradF23}'s input transform ({@code V = Bᵀ d B}), a row of tiles
 * of one channel at a time; see that class for how they are written and why.
 */
final class VectorWinogradInput {

  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

  private static final int LANES = S.length();

  /** Lane {@code l} of the even (odd) columns of two vectors side by side, from either vector. */
  private static final VectorShuffle<Float> EVEN = shuffle(l -> 2 * l % LANES);

  private static final VectorShuffle<Float> ODD = shuffle(l -> (2 * l + 1) % LANES);

  /** Lanes of the split that come from the second vector. */
  private static final VectorMask<Float> UPPER = mask(l -> l >= LANES / 2);

  /**
   * Lane masks {@code from ≤ l < to} for every {@code from, to} in {@code [0, LANES]} (see {@link
   * #inside}): the lanes of a vector of input columns that lie inside the image.
   */
  private static final boolean[] INSIDE = insideMasks();

  private VectorWinogradInput() {}

  private static VectorShuffle<Float> shuffle(java.util.function.IntUnaryOperator source) {
    int[] indexes = new int[LANES];
    for (int l = 0; l < LANES; l++) {
      indexes[l] = source.applyAsInt(l);
    }
    return VectorShuffle.fromArray(S, indexes, 0);
  }

  private static boolean[] insideMasks() {
    boolean[] bits = new boolean[(LANES + 1) * (LANES + 1) * LANES];
    for (int from = 0; from <= LANES; from++) {
      for (int to = 0; to <= LANES; to++) {
        for (int l = 0; l < LANES; l++) {
          bits[(from * (LANES + 1) + to) * LANES + l] = from <= l && l < to;
        }
      }
    }
    return bits;
  }

  private static VectorMask<Float> mask(java.util.function.IntPredicate set) {
    boolean[] bits = new boolean[LANES];
    for (int l = 0; l < LANES; l++) {
      bits[l] = set.test(l);
    }
    return VectorMask.fromArray(S, bits, 0);
  }

  /**
   * {@code count} tiles side by side of one channel, whose input rows start at row {@code y0} and
   * column {@code xs} of the plane at {@code x[plane]}, to {@code v[at + s + ξ·ps]}, a vector of
   * tiles at a time (whole vectors: junk past {@code count}). Where a vector would read past either
   * end of {@code x} (the first and last rows of the tensor), the plain code does the row, through
   * {@code work}.
   */
  static void inputRow(
      float[] x,
      int plane,
      WinogradTiles g,
      int y0,
      int xs,
      int count,
      float[] zeros,
      float[] v,
      int at,
      int ps,
      float[] work) {
    int h = g.height();
    int w = g.width();
    int len = 2 * count + 2;
    // Columns [jl, jr) of the row lie inside the image; the rest is padding.
    int jl = Math.min(len, Math.max(0, -xs));
    int jr = Math.max(jl, Math.min(len, w - xs));
    // Rows outside the image read the zero row from index 0.
    float[] a0 = y0 >= 0 && y0 < h ? x : zeros;
    float[] a1 = y0 + 1 >= 0 && y0 + 1 < h ? x : zeros;
    float[] a2 = y0 + 2 >= 0 && y0 + 2 < h ? x : zeros;
    float[] a3 = y0 + 3 >= 0 && y0 + 3 < h ? x : zeros;
    int o0 = a0 == x ? plane + y0 * w + xs : 0;
    int o1 = a1 == x ? plane + (y0 + 1) * w + xs : 0;
    int o2 = a2 == x ? plane + (y0 + 2) * w + xs : 0;
    int o3 = a3 == x ? plane + (y0 + 3) * w + xs : 0;
    // Whole vectors read up to this many columns; near either end of the array, go one by one.
    int reach = 2 * ((count + LANES - 1) / LANES) * LANES + 2;
    int lo = Math.min(Math.min(o0, o1), Math.min(o2, o3));
    int hi = Math.max(Math.max(o0, o1), Math.max(o2, o3));
    if (lo < 0 || hi + reach > x.length || reach > zeros.length) {
      int rs = len;
      WinogradF23.downColumns(x, plane, g, y0, xs, len, work, rs, zeros, 0);
      WinogradF23.alongRows(work, rs, 0, count, v, at, ps);
      return;
    }
    for (int s = 0; s < count; s += LANES) {
      boolean half = count - s < LANES / 2;
      int j = 2 * s;
      int vi = at + s;
      if (half) {
        // The rest of the row lies in the even and odd lanes of one vector of columns.
        halfVector(a0, o0, a2, o2, a1, o1, j, jl, jr, v, vi, ps, 1f);
        halfVector(a2, o2, a1, o1, a3, o3, j, jl, jr, v, vi + 8 * ps, ps, -1f);
        continue;
      }
      // Row i of the column transform Bᵀ d is f + sign·e: d0 − d2, d1 + d2, d2 − d1, d1 − d3.
      wholeVector(a0, o0, a2, o2, -1f, j, jl, jr, v, vi, ps);
      wholeVector(a1, o1, a2, o2, 1f, j, jl, jr, v, vi + 4 * ps, ps);
      wholeVector(a2, o2, a1, o1, -1f, j, jl, jr, v, vi + 8 * ps, ps);
      wholeVector(a1, o1, a3, o3, -1f, j, jl, jr, v, vi + 12 * ps, ps);
    }
  }

  /**
   * Two rows of the transform of up to {@code LANES / 2 − 1} tiles whose input columns start at
   * {@code j}: rows {@code x − y} and {@code y + side·z} of the column transform, from input rows
   * {@code x, y, z} ({@code d0 − d2, d2 + d1} for rows 0 and 1: {@code x, y, z = d0, d2, d1},
   * {@code side = 1}; {@code d2 − d1, d1 − d3} for rows 2 and 3: {@code d2, d1, d3}, {@code side =
   * −1}). Each of columns {@code j …} (p, q in the even and odd lanes) and {@code j + 2 …} (r, u)
   * is combined ({@code · B}) into {@code v[at + (0…7)·ps]}. Two rows per call keep this method too
   * large for C2 to inline into its caller, which it then could not compile well.
   */
  private static void halfVector(
      float[] x,
      int xo,
      float[] y,
      int yo,
      float[] z,
      int zo,
      int j,
      int jl,
      int jr,
      float[] v,
      int at,
      int ps,
      float side) {
    FloatVector sd = FloatVector.broadcast(S, side);
    FloatVector zero = FloatVector.zero(S);
    // Lanes outside [jl, jr) are padding: zero (junk there may be anything, even NaN).
    VectorMask<Float> in = VectorMask.fromArray(S, INSIDE, inside(jl - j, jr - j));
    FloatVector dx = FloatVector.fromArray(S, x, xo + j);
    FloatVector dy = FloatVector.fromArray(S, y, yo + j);
    FloatVector dz = FloatVector.fromArray(S, z, zo + j);
    FloatVector a1 = zero.blend(dx.sub(dy), in);
    FloatVector a2 = zero.blend(dz.fma(sd, dy), in);
    in = VectorMask.fromArray(S, INSIDE, inside(jl - j - 2, jr - j - 2));
    dx = FloatVector.fromArray(S, x, xo + j + 2);
    dy = FloatVector.fromArray(S, y, yo + j + 2);
    dz = FloatVector.fromArray(S, z, zo + j + 2);
    FloatVector b1 = zero.blend(dx.sub(dy), in);
    FloatVector b2 = zero.blend(dz.fma(sd, dy), in);
    FloatVector p = a1.rearrange(EVEN);
    FloatVector q = a1.rearrange(ODD);
    FloatVector r = b1.rearrange(EVEN);
    FloatVector u = b1.rearrange(ODD);
    p.sub(r).intoArray(v, at);
    q.add(r).intoArray(v, at + ps);
    r.sub(q).intoArray(v, at + 2 * ps);
    q.sub(u).intoArray(v, at + 3 * ps);
    p = a2.rearrange(EVEN);
    q = a2.rearrange(ODD);
    r = b2.rearrange(EVEN);
    u = b2.rearrange(ODD);
    p.sub(r).intoArray(v, at + 4 * ps);
    q.add(r).intoArray(v, at + 5 * ps);
    r.sub(q).intoArray(v, at + 6 * ps);
    q.sub(u).intoArray(v, at + 7 * ps);
  }

  /**
   * {@link #halfVector} for {@code LANES} tiles: the columns span two vectors each ({@code j …} and
   * {@code j + LANES …} for p, q; {@code j + 2 …} and {@code j + LANES + 2 …} for r, u), split into
   * even and odd lanes.
   */
  private static void wholeVector(
      float[] f,
      int fo,
      float[] e,
      int eo,
      float sign,
      int j,
      int jl,
      int jr,
      float[] v,
      int at,
      int ps) {
    FloatVector sg = FloatVector.broadcast(S, sign);
    FloatVector zero = FloatVector.zero(S);
    VectorMask<Float> in = VectorMask.fromArray(S, INSIDE, inside(jl - j, jr - j));
    FloatVector lo =
        zero.blend(
            FloatVector.fromArray(S, e, eo + j).fma(sg, FloatVector.fromArray(S, f, fo + j)), in);
    int k = j + LANES;
    in = VectorMask.fromArray(S, INSIDE, inside(jl - k, jr - k));
    FloatVector hi =
        zero.blend(
            FloatVector.fromArray(S, e, eo + k).fma(sg, FloatVector.fromArray(S, f, fo + k)), in);
    FloatVector p = lo.rearrange(EVEN).blend(hi.rearrange(EVEN), UPPER);
    FloatVector q = lo.rearrange(ODD).blend(hi.rearrange(ODD), UPPER);
    k = j + 2;
    in = VectorMask.fromArray(S, INSIDE, inside(jl - k, jr - k));
    lo =
        zero.blend(
            FloatVector.fromArray(S, e, eo + k).fma(sg, FloatVector.fromArray(S, f, fo + k)), in);
    k = j + LANES + 2;
    in = VectorMask.fromArray(S, INSIDE, inside(jl - k, jr - k));
    hi =
        zero.blend(
            FloatVector.fromArray(S, e, eo + k).fma(sg, FloatVector.fromArray(S, f, fo + k)), in);
    FloatVector r = lo.rearrange(EVEN).blend(hi.rearrange(EVEN), UPPER);
    FloatVector u = lo.rearrange(ODD).blend(hi.rearrange(ODD), UPPER);
    p.sub(r).intoArray(v, at);
    q.add(r).intoArray(v, at + ps);
    r.sub(q).intoArray(v, at + 2 * ps);
    q.sub(u).intoArray(v, at + 3 * ps);
  }

  /**
   * Offset in {@link #INSIDE} of the mask of lanes {@code l} with {@code from ≤ l < to} (each
   * clamped to {@code [0, LANES]}).
   */
  private static int inside(int from, int to) {
    int a = Math.max(0, Math.min(LANES, from));
    int b = Math.max(0, Math.min(LANES, to));
    return (a * (LANES + 1) + b) * LANES;
  }
}
