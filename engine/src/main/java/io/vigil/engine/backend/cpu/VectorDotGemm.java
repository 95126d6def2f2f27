package io.vigil.engine.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API kernel for {@code A·Bᵀ} with few rows and a long {@code k}, as dot products along
 * the rows of A ({@code m × k}) and B ({@code n × k}), both contiguous: a convolution's weight
 * gradient {@code dW = dY·colsᵀ} ({@code 6 × 25 × 784} for LeNet's conv1) would spend longer
 * transposing B into {@link VectorGemm}'s panels than multiplying. {@link VectorGemm} calls it;
 * like that class it needs {@code --add-modules jdk.incubator.vector}.
 */
final class VectorDotGemm {

  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int LANES = S.length();

  /**
   * {@code TAIL[t]}: zeros then {@code t} ones, the lanes of a vector ending at {@code k} that hold
   * its last {@code t} values.
   */
  private static final FloatVector[] TAIL = new FloatVector[LANES];

  static {
    for (int t = 0; t < LANES; t++) {
      float[] lanes = new float[LANES];
      java.util.Arrays.fill(lanes, LANES - t, LANES, 1f);
      TAIL[t] = FloatVector.fromArray(S, lanes, 0);
    }
  }

  private VectorDotGemm() {}

  /**
   * {@code C[i][j] = alpha · Σ_p A[i][p]·B[j][p] + beta · C[i][j]} with A stored {@code m × k} and
   * B stored {@code n × k}, in 4 × 3 blocks of vector dot products (twelve accumulators, seven
   * loads per twelve FMAs), remainders one dot product at a time.
   */
  static void gemm(
      int r0,
      int r1,
      int n,
      int k,
      float alpha,
      float[] a,
      int aOff,
      int lda,
      float[] b,
      int bOff,
      int ldb,
      float beta,
      float[] c,
      int cOff,
      int ldc) {
    gemmSum(r0, r1, n, k, alpha, a, aOff, lda, 0, b, bOff, ldb, 0, 1, beta, c, cOff, ldc);
  }

  /**
   * {@code C = alpha · Σ_img A_img·B_imgᵀ + beta · C} over {@code count} pairs {@code strideA} and
   * {@code strideB} floats apart: one long dot product per element of C across all the images, so
   * the horizontal sums and the writes to C happen once per batch, not once per image.
   *
   * <p>Rows {@code [r0, r1)} of C in 4 × 3 blocks; when their shape leaves more of them in whole
   * blocks the other way round ({@code 6 × 25}: 96 of 150 elements, but 144 of 150 as {@code Cᵀ =
   * B·Aᵀ}), it computes {@code Cᵀ} instead, writing C through swapped strides.
   */
  static void gemmSum(
      int r0,
      int r1,
      int n,
      int k,
      float alpha,
      float[] a,
      int aOff,
      int lda,
      int strideA,
      float[] b,
      int bOff,
      int ldb,
      int strideB,
      int count,
      float beta,
      float[] c,
      int cOff,
      int ldc) {
    int rows = r1 - r0;
    if (inBlocks(n, rows) > inBlocks(rows, n)) {
      // Rows [r0, r1) of C are columns [r0, r1) of Cᵀ = B·Aᵀ.
      int a0 = aOff + r0 * lda;
      int c0 = cOff + r0 * ldc;
      blocks(
          0, n, rows, k, alpha, b, bOff, ldb, strideB, a, a0, lda, strideA, count, beta, c, c0, 1,
          ldc);
    } else {
      blocks(
          r0, r1, n, k, alpha, a, aOff, lda, strideA, b, bOff, ldb, strideB, count, beta, c, cOff,
          ldc, 1);
    }
  }

  /** How many elements of an {@code rows × cols} C the 4 × 3 blocks cover. */
  private static int inBlocks(int rows, int cols) {
    return (rows - rows % 4) * (cols - cols % 3);
  }

  /**
   * {@link #gemmSum} with C's element {@code (i, j)} at {@code cOff + i·rowStride + j·colStride}.
   */
  private static void blocks(
      int r0,
      int r1,
      int n,
      int k,
      float alpha,
      float[] a,
      int aOff,
      int lda,
      int strideA,
      float[] b,
      int bOff,
      int ldb,
      int strideB,
      int count,
      float beta,
      float[] c,
      int cOff,
      int rowStride,
      int colStride) {
    int kv = k - k % LANES;
    int i = r0;
    for (; i + 4 <= r1; i += 4) {
      int a0 = aOff + i * lda;
      int j = 0;
      for (; j + 3 <= n; j += 3) {
        dotBlock(
            k,
            kv,
            a,
            a0,
            lda,
            strideA,
            b,
            bOff + j * ldb,
            ldb,
            strideB,
            count,
            c,
            cOff + i * rowStride + j * colStride,
            rowStride,
            colStride,
            alpha,
            beta);
      }
      for (; j < n; j++) {
        for (int r = 0; r < 4; r++) {
          int at = cOff + (i + r) * rowStride + j * colStride;
          float sum = dot(k, kv, a, a0 + r * lda, strideA, b, bOff + j * ldb, strideB, count);
          c[at] = finish(alpha, sum, beta, c[at]);
        }
      }
    }
    for (; i < r1; i++) {
      int j = 0;
      // One row of A against four of B at a time: a fully connected layer at batch 1 (a row of
      // 9,216 inputs against 4,096 rows of weights) is all this loop.
      for (; j + 4 <= n; j += 4) {
        dotRow4(
            k,
            kv,
            a,
            aOff + i * lda,
            strideA,
            b,
            bOff + j * ldb,
            ldb,
            strideB,
            count,
            c,
            cOff + i * rowStride + j * colStride,
            colStride,
            alpha,
            beta);
      }
      for (; j < n; j++) {
        int at = cOff + i * rowStride + j * colStride;
        float sum = dot(k, kv, a, aOff + i * lda, strideA, b, bOff + j * ldb, strideB, count);
        c[at] = finish(alpha, sum, beta, c[at]);
      }
    }
  }

  private static void dotBlock(
      int k,
      int kv,
      float[] a,
      int a0,
      int lda,
      int strideA,
      float[] b,
      int b0,
      int ldb,
      int strideB,
      int count,
      float[] c,
      int ci,
      int rowStride,
      int colStride,
      float alpha,
      float beta) {
    FloatVector s00 = FloatVector.zero(S);
    FloatVector s01 = s00;
    FloatVector s02 = s00;
    FloatVector s10 = s00;
    FloatVector s11 = s00;
    FloatVector s12 = s00;
    FloatVector s20 = s00;
    FloatVector s21 = s00;
    FloatVector s22 = s00;
    FloatVector s30 = s00;
    FloatVector s31 = s00;
    FloatVector s32 = s00;
    // One flat loop over (image, pv): accumulators carried through a nested loop are not kept in
    // registers by C2 (JDK 17), and the kernel drops to a few GFLOP/s.
    int xa = a0;
    int yb = b0;
    int pv = 0;
    for (int step = 0, steps = count * (kv / LANES); step < steps; step++) {
      FloatVector y0 = FloatVector.fromArray(S, b, yb + pv);
      FloatVector y1 = FloatVector.fromArray(S, b, yb + ldb + pv);
      FloatVector y2 = FloatVector.fromArray(S, b, yb + 2 * ldb + pv);
      FloatVector x = FloatVector.fromArray(S, a, xa + pv);
      s00 = x.fma(y0, s00);
      s01 = x.fma(y1, s01);
      s02 = x.fma(y2, s02);
      x = FloatVector.fromArray(S, a, xa + lda + pv);
      s10 = x.fma(y0, s10);
      s11 = x.fma(y1, s11);
      s12 = x.fma(y2, s12);
      x = FloatVector.fromArray(S, a, xa + 2 * lda + pv);
      s20 = x.fma(y0, s20);
      s21 = x.fma(y1, s21);
      s22 = x.fma(y2, s22);
      x = FloatVector.fromArray(S, a, xa + 3 * lda + pv);
      s30 = x.fma(y0, s30);
      s31 = x.fma(y1, s31);
      s32 = x.fma(y2, s32);
      pv += LANES;
      if (pv == kv) {
        pv = 0;
        xa += strideA;
        yb += strideB;
      }
    }
    if (kv < k) {
      // The last k − kv values of each image's rows: one vector ending at k, its lanes before kv
      // (already summed) zeroed by the mask (k ≥ one vector here).
      FloatVector keep = TAIL[k - kv];
      int last = k - LANES;
      for (int img = 0; img < count; img++) {
        int xt = a0 + img * strideA + last;
        int yt = b0 + img * strideB + last;
        FloatVector y0 = FloatVector.fromArray(S, b, yt);
        FloatVector y1 = FloatVector.fromArray(S, b, yt + ldb);
        FloatVector y2 = FloatVector.fromArray(S, b, yt + 2 * ldb);
        FloatVector x = FloatVector.fromArray(S, a, xt).mul(keep);
        s00 = x.fma(y0, s00);
        s01 = x.fma(y1, s01);
        s02 = x.fma(y2, s02);
        x = FloatVector.fromArray(S, a, xt + lda).mul(keep);
        s10 = x.fma(y0, s10);
        s11 = x.fma(y1, s11);
        s12 = x.fma(y2, s12);
        x = FloatVector.fromArray(S, a, xt + 2 * lda).mul(keep);
        s20 = x.fma(y0, s20);
        s21 = x.fma(y1, s21);
        s22 = x.fma(y2, s22);
        x = FloatVector.fromArray(S, a, xt + 3 * lda).mul(keep);
        s30 = x.fma(y0, s30);
        s31 = x.fma(y1, s31);
        s32 = x.fma(y2, s32);
      }
    }
    float t00 = s00.reduceLanes(VectorOperators.ADD);
    float t01 = s01.reduceLanes(VectorOperators.ADD);
    float t02 = s02.reduceLanes(VectorOperators.ADD);
    float t10 = s10.reduceLanes(VectorOperators.ADD);
    float t11 = s11.reduceLanes(VectorOperators.ADD);
    float t12 = s12.reduceLanes(VectorOperators.ADD);
    float t20 = s20.reduceLanes(VectorOperators.ADD);
    float t21 = s21.reduceLanes(VectorOperators.ADD);
    float t22 = s22.reduceLanes(VectorOperators.ADD);
    float t30 = s30.reduceLanes(VectorOperators.ADD);
    float t31 = s31.reduceLanes(VectorOperators.ADD);
    float t32 = s32.reduceLanes(VectorOperators.ADD);
    store3(c, ci, colStride, alpha, beta, t00, t01, t02);
    store3(c, ci + rowStride, colStride, alpha, beta, t10, t11, t12);
    store3(c, ci + 2 * rowStride, colStride, alpha, beta, t20, t21, t22);
    store3(c, ci + 3 * rowStride, colStride, alpha, beta, t30, t31, t32);
  }

  private static void store3(
      float[] c, int at, int step, float alpha, float beta, float s0, float s1, float s2) {
    c[at] = finish(alpha, s0, beta, c[at]);
    c[at + step] = finish(alpha, s1, beta, c[at + step]);
    c[at + 2 * step] = finish(alpha, s2, beta, c[at + 2 * step]);
  }

  /** A 1 × 4 block: row {@code a0} of A against rows {@code b0} to {@code b0 + 3·ldb} of B. */
  private static void dotRow4(
      int k,
      int kv,
      float[] a,
      int a0,
      int strideA,
      float[] b,
      int b0,
      int ldb,
      int strideB,
      int count,
      float[] c,
      int ci,
      int colStride,
      float alpha,
      float beta) {
    FloatVector s0 = FloatVector.zero(S);
    FloatVector s1 = s0;
    FloatVector s2 = s0;
    FloatVector s3 = s0;
    // Flat over (image, pv), as in dotBlock.
    int xa = a0;
    int yb = b0;
    int pv = 0;
    for (int step = 0, steps = count * (kv / LANES); step < steps; step++) {
      FloatVector x = FloatVector.fromArray(S, a, xa + pv);
      s0 = FloatVector.fromArray(S, b, yb + pv).fma(x, s0);
      s1 = FloatVector.fromArray(S, b, yb + ldb + pv).fma(x, s1);
      s2 = FloatVector.fromArray(S, b, yb + 2 * ldb + pv).fma(x, s2);
      s3 = FloatVector.fromArray(S, b, yb + 3 * ldb + pv).fma(x, s3);
      pv += LANES;
      if (pv == kv) {
        pv = 0;
        xa += strideA;
        yb += strideB;
      }
    }
    if (kv < k) {
      // As in dotBlock: one masked vector per image for the last k − kv values.
      FloatVector keep = TAIL[k - kv];
      int last = k - LANES;
      for (int img = 0; img < count; img++) {
        int yt = b0 + img * strideB + last;
        FloatVector x = FloatVector.fromArray(S, a, a0 + img * strideA + last).mul(keep);
        s0 = FloatVector.fromArray(S, b, yt).fma(x, s0);
        s1 = FloatVector.fromArray(S, b, yt + ldb).fma(x, s1);
        s2 = FloatVector.fromArray(S, b, yt + 2 * ldb).fma(x, s2);
        s3 = FloatVector.fromArray(S, b, yt + 3 * ldb).fma(x, s3);
      }
    }
    float t0 = s0.reduceLanes(VectorOperators.ADD);
    float t1 = s1.reduceLanes(VectorOperators.ADD);
    float t2 = s2.reduceLanes(VectorOperators.ADD);
    float t3 = s3.reduceLanes(VectorOperators.ADD);
    store3(c, ci, colStride, alpha, beta, t0, t1, t2);
    c[ci + 3 * colStride] = finish(alpha, t3, beta, c[ci + 3 * colStride]);
  }

  private static float dot(
      int k, int kv, float[] a, int ai, int strideA, float[] b, int bi, int strideB, int count) {
    // Flat over (image, p), as in dotBlock.
    FloatVector s = FloatVector.zero(S);
    int x = ai;
    int y = bi;
    int p = 0;
    for (int step = 0, steps = count * (kv / LANES); step < steps; step++) {
      s = FloatVector.fromArray(S, a, x + p).fma(FloatVector.fromArray(S, b, y + p), s);
      p += LANES;
      if (p == kv) {
        p = 0;
        x += strideA;
        y += strideB;
      }
    }
    float t = 0f;
    for (int img = 0; kv < k && img < count; img++) {
      int xi = ai + img * strideA;
      int yi = bi + img * strideB;
      for (int q = kv; q < k; q++) {
        t += a[xi + q] * b[yi + q];
      }
    }
    return s.reduceLanes(VectorOperators.ADD) + t;
  }

  /** {@code alpha·sum + beta·old}, not reading {@code old} when beta is 0 (it may be NaN). */
  private static float finish(float alpha, float sum, float beta, float old) {
    return beta == 0f ? alpha * sum : alpha * sum + beta * old;
  }
}
