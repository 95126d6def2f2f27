package io.vigil.engine.backend.cpu;

/**
 * {@code C[i][j] += alpha · Σ_p A[i][p]·B[j][p]} (A stored m × k, B stored n × k) as 4×4 blocks of
 * dot products along contiguous rows. Scalar, but for {@code A·Bᵀ} with few columns of C and a long
 * {@code k} (a convolution's weight gradient: 25 columns, 784 positions) it beats packing into
 * short vector rows.
 */
final class CpuDotGemm {

  private CpuDotGemm() {}

  static void accumulate(
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
      float[] c,
      int cOff,
      int ldc) {
    int i = r0;
    for (; i + 4 <= r1; i += 4) {
      int a0 = aOff + i * lda;
      int a1 = a0 + lda;
      int a2 = a1 + lda;
      int a3 = a2 + lda;
      int j = 0;
      for (; j + 4 <= n; j += 4) {
        int b0 = bOff + j * ldb;
        int b1 = b0 + ldb;
        int b2 = b1 + ldb;
        int b3 = b2 + ldb;
        float s00 = 0, s01 = 0, s02 = 0, s03 = 0;
        float s10 = 0, s11 = 0, s12 = 0, s13 = 0;
        float s20 = 0, s21 = 0, s22 = 0, s23 = 0;
        float s30 = 0, s31 = 0, s32 = 0, s33 = 0;
        for (int p = 0; p < k; p++) {
          float x0 = a[a0 + p], x1 = a[a1 + p], x2 = a[a2 + p], x3 = a[a3 + p];
          float y0 = b[b0 + p], y1 = b[b1 + p], y2 = b[b2 + p], y3 = b[b3 + p];
          s00 += x0 * y0;
          s01 += x0 * y1;
          s02 += x0 * y2;
          s03 += x0 * y3;
          s10 += x1 * y0;
          s11 += x1 * y1;
          s12 += x1 * y2;
          s13 += x1 * y3;
          s20 += x2 * y0;
          s21 += x2 * y1;
          s22 += x2 * y2;
          s23 += x2 * y3;
          s30 += x3 * y0;
          s31 += x3 * y1;
          s32 += x3 * y2;
          s33 += x3 * y3;
        }
        store4(c, cOff + i * ldc + j, alpha, s00, s01, s02, s03);
        store4(c, cOff + (i + 1) * ldc + j, alpha, s10, s11, s12, s13);
        store4(c, cOff + (i + 2) * ldc + j, alpha, s20, s21, s22, s23);
        store4(c, cOff + (i + 3) * ldc + j, alpha, s30, s31, s32, s33);
      }
      for (; j < n; j++) {
        for (int r = 0; r < 4; r++) {
          c[cOff + (i + r) * ldc + j] += alpha * dot(a, aOff + (i + r) * lda, b, bOff + j * ldb, k);
        }
      }
    }
    for (; i < r1; i++) {
      for (int j = 0; j < n; j++) {
        c[cOff + i * ldc + j] += alpha * dot(a, aOff + i * lda, b, bOff + j * ldb, k);
      }
    }
  }

  private static void store4(
      float[] c, int at, float alpha, float s0, float s1, float s2, float s3) {
    c[at] += alpha * s0;
    c[at + 1] += alpha * s1;
    c[at + 2] += alpha * s2;
    c[at + 3] += alpha * s3;
  }

  private static float dot(float[] a, int ai, float[] b, int bi, int k) {
    float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    int p = 0;
    for (; p + 4 <= k; p += 4) {
      s0 += a[ai + p] * b[bi + p];
      s1 += a[ai + p + 1] * b[bi + p + 1];
      s2 += a[ai + p + 2] * b[bi + p + 2];
      s3 += a[ai + p + 3] * b[bi + p + 3];
    }
    for (; p < k; p++) {
      s0 += a[ai + p] * b[bi + p];
    }
    return (s0 + s1) + (s2 + s3);
  }
}
