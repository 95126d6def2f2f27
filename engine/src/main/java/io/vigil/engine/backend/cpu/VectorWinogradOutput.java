package io.vigil.engine.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * The kernels of {@link VectorWinogradF23}'s output transform ({@code Y = Aᵀ M A}); see that class
 * for how they are written and why.
 */
final class VectorWinogradOutput {

  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

  private static final int LANES = S.length();

  /** Lane {@code n} of {@code a0 b0 a1 b1 …} from the first (second) halves of a and b. */
  private static final VectorShuffle<Float> ZIP_LO = shuffle(n -> n / 2);

  private static final VectorShuffle<Float> ZIP_HI = shuffle(n -> LANES / 2 + n / 2);

  /** Lanes of a zip that come from b. */
  private static final VectorMask<Float> ODD_LANES = mask(n -> n % 2 == 1);

  private VectorWinogradOutput() {}

  private static VectorShuffle<Float> shuffle(java.util.function.IntUnaryOperator source) {
    int[] indexes = new int[LANES];
    for (int l = 0; l < LANES; l++) {
      indexes[l] = source.applyAsInt(l);
    }
    return VectorShuffle.fromArray(S, indexes, 0);
  }

  private static VectorMask<Float> mask(java.util.function.IntPredicate set) {
    boolean[] bits = new boolean[LANES];
    for (int l = 0; l < LANES; l++) {
      bits[l] = set.test(l);
    }
    return VectorMask.fromArray(S, bits, 0);
  }

  /** The four outputs of each of {@code tiles} tiles from {@code m[at + s + ξ·ps]}. */
  static void outputs(float[] m, int at, int ps, int tiles, float[] out, int bs) {
    int s = 0;
    if (tiles >= LANES) {
      for (; ; s += LANES) {
        s = Math.min(s, tiles - LANES);
        outputVector(m, at + s, ps, out, s, bs);
        if (s == tiles - LANES) {
          return;
        }
      }
    }
    for (; s < tiles; s++) {
      int o = at + s;
      float s00 = m[o] + m[o + 4 * ps] + m[o + 8 * ps];
      float s01 = m[o + ps] + m[o + 5 * ps] + m[o + 9 * ps];
      float s02 = m[o + 2 * ps] + m[o + 6 * ps] + m[o + 10 * ps];
      float s03 = m[o + 3 * ps] + m[o + 7 * ps] + m[o + 11 * ps];
      float s10 = m[o + 4 * ps] - m[o + 8 * ps] - m[o + 12 * ps];
      float s11 = m[o + 5 * ps] - m[o + 9 * ps] - m[o + 13 * ps];
      float s12 = m[o + 6 * ps] - m[o + 10 * ps] - m[o + 14 * ps];
      float s13 = m[o + 7 * ps] - m[o + 11 * ps] - m[o + 15 * ps];
      out[s] = s00 + s01 + s02;
      out[bs + s] = s01 - s02 - s03;
      out[2 * bs + s] = s10 + s11 + s12;
      out[3 * bs + s] = s11 - s12 - s13;
    }
  }

  /** {@link #outputs} of the {@code LANES} tiles from {@code m[mo]}, to {@code out[at …]}. */
  private static void outputVector(float[] m, int mo, int ps, float[] out, int at, int bs) {
    FloatVector m00 = FloatVector.fromArray(S, m, mo);
    FloatVector m01 = FloatVector.fromArray(S, m, mo + ps);
    FloatVector m02 = FloatVector.fromArray(S, m, mo + 2 * ps);
    FloatVector m03 = FloatVector.fromArray(S, m, mo + 3 * ps);
    FloatVector m10 = FloatVector.fromArray(S, m, mo + 4 * ps);
    FloatVector m11 = FloatVector.fromArray(S, m, mo + 5 * ps);
    FloatVector m12 = FloatVector.fromArray(S, m, mo + 6 * ps);
    FloatVector m13 = FloatVector.fromArray(S, m, mo + 7 * ps);
    FloatVector m20 = FloatVector.fromArray(S, m, mo + 8 * ps);
    FloatVector m21 = FloatVector.fromArray(S, m, mo + 9 * ps);
    FloatVector m22 = FloatVector.fromArray(S, m, mo + 10 * ps);
    FloatVector m23 = FloatVector.fromArray(S, m, mo + 11 * ps);
    FloatVector m30 = FloatVector.fromArray(S, m, mo + 12 * ps);
    FloatVector m31 = FloatVector.fromArray(S, m, mo + 13 * ps);
    FloatVector m32 = FloatVector.fromArray(S, m, mo + 14 * ps);
    FloatVector m33 = FloatVector.fromArray(S, m, mo + 15 * ps);
    FloatVector s00 = m00.add(m10).add(m20);
    FloatVector s01 = m01.add(m11).add(m21);
    FloatVector s02 = m02.add(m12).add(m22);
    FloatVector s03 = m03.add(m13).add(m23);
    FloatVector s10 = m10.sub(m20).sub(m30);
    FloatVector s11 = m11.sub(m21).sub(m31);
    FloatVector s12 = m12.sub(m22).sub(m32);
    FloatVector s13 = m13.sub(m23).sub(m33);
    s00.add(s01).add(s02).intoArray(out, at);
    s01.sub(s02).sub(s03).intoArray(out, at + bs);
    s10.add(s11).add(s12).intoArray(out, at + 2 * bs);
    s11.sub(s12).sub(s13).intoArray(out, at + 3 * bs);
  }

  /**
   * Tiles {@code [at, at + count)} of the four output rows into one row of tiles of the output:
   * whole tiles a vector at a time (two vectors of output), the rest one by one. Nothing is written
   * outside the row: its neighbours may belong to another thread.
   */
  static void zipRow(
      float[] out,
      int at,
      int bs,
      int count,
      int whole,
      boolean twoRows,
      float[] y,
      int yAt,
      int outW) {
    int s = 0;
    if (whole >= LANES) {
      for (; ; s += LANES) {
        s = Math.min(s, whole - LANES);
        int yi = yAt + 2 * s;
        zip(out, at + s, at + s + bs, y, yi);
        if (twoRows) {
          zip(out, at + s + 2 * bs, at + s + 3 * bs, y, yi + outW);
        }
        if (s == whole - LANES) {
          s = whole;
          break;
        }
      }
    }
    for (; s < count; s++) {
      int yi = yAt + 2 * s;
      int o = at + s;
      y[yi] = out[o];
      if (s < whole) {
        y[yi + 1] = out[bs + o];
      }
      if (twoRows) {
        y[yi + outW] = out[2 * bs + o];
        if (s < whole) {
          y[yi + outW + 1] = out[3 * bs + o];
        }
      }
    }
  }

  /**
   * {@code y[yi …] = a0 b0 a1 b1 …} for the {@code LANES} values at {@code out[a]} and {@code
   * out[b]}.
   */
  private static void zip(float[] out, int a, int b, float[] y, int yi) {
    FloatVector x = FloatVector.fromArray(S, out, a);
    FloatVector z = FloatVector.fromArray(S, out, b);
    x.rearrange(ZIP_LO).blend(z.rearrange(ZIP_LO), ODD_LANES).intoArray(y, yi);
    x.rearrange(ZIP_HI).blend(z.rearrange(ZIP_HI), ODD_LANES).intoArray(y, yi + LANES);
  }
}
