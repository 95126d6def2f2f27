package io.vigil.engine.backend.cpu;

import java.util.Arrays;

/**
 * The plain-Java GEMM kernel, used when the Vector API is not available (the JVM was started
 * without {@code --add-modules jdk.incubator.vector}): {@code C[r0..r1) = alpha·op(A)·op(B) +
 * beta·C}, shaped for what C2 (JDK 17) auto-vectorises (20–35 GFLOP/s a core). Its SuperWord pass
 * vectorises {@code y[j] += a·x[j]} only when every array is indexed by the loop variable with the
 * same offset; a loop over {@code c[cOff + j]} and {@code b[bOff + j]} runs scalar (≈6 GFLOP/s
 * instead of 20–35). So:
 *
 * <ol>
 *   <li>a panel of {@code op(B)} ({@code k × TILE} columns) is packed into zero-offset row arrays
 *       (which also absorbs the transposition of B);
 *   <li>four rows of C accumulate in zero-offset row arrays, each B value feeding four
 *       multiply-adds: {@code t_r[j] += A(i+r, p)·Bp[j]};
 *   <li>the accumulators are added into C.
 * </ol>
 *
 * Scratch arrays are per thread and grow to the largest size seen, so steady state allocates
 * nothing.
 */
final class ScalarGemm implements GemmKernel {

  static final ScalarGemm INSTANCE = new ScalarGemm();

  /** Columns of op(B) and C per panel: the packed panel stays in L2, accumulators in L1. */
  static final int TILE = 256;

  /** Below this many columns of C, {@code A·Bᵀ} runs as dot products ({@link CpuDotGemm}). */
  private static final int SHORT_ROWS = 48;

  private static final class Scratch {
    float[][] panel = new float[0][];
    final float[][] acc = {new float[TILE], new float[TILE], new float[TILE], new float[TILE]};

    float[][] panel(int k) {
      if (panel.length < k) {
        float[][] grown = Arrays.copyOf(panel, k);
        for (int p = panel.length; p < k; p++) {
          grown[p] = new float[TILE];
        }
        panel = grown;
      }
      return panel;
    }
  }

  private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

  private ScalarGemm() {}

  @Override
  public String name() {
    return "scalar";
  }

  /** Unpacks the views and runs {@link #product}, as {@link VectorGemm#gemm} does. */
  @Override
  public void gemm(
      int r0,
      int r1,
      int n,
      int k,
      float alpha,
      MatrixView a,
      MatrixView b,
      float beta,
      MatrixView c) {
    product(
        a.transposed(),
        b.transposed(),
        r0,
        r1,
        n,
        k,
        alpha,
        a.data(),
        a.offset(),
        a.ld(),
        b.data(),
        b.offset(),
        b.ld(),
        beta,
        c.data(),
        c.offset(),
        c.ld());
  }

  private void product(
      boolean transA,
      boolean transB,
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
    GemmKernel.scaleRows(c, cOff, ldc, r0, r1, n, beta);
    if (alpha == 0 || r0 >= r1) {
      return;
    }
    if (transB && !transA && n < SHORT_ROWS) {
      CpuDotGemm.accumulate(r0, r1, n, k, alpha, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
      return;
    }
    Scratch scratch = SCRATCH.get();
    float[][] panel = scratch.panel(k);
    float[][] acc = scratch.acc;
    // A(i,p) is a[i·lda + p] when stored m × k, a[p·lda + i] when stored k × m.
    int rowStep = transA ? 1 : lda;
    int colStep = transA ? lda : 1;
    for (int j0 = 0; j0 < n; j0 += TILE) {
      int len = Math.min(TILE, n - j0);
      pack(transB, b, bOff, ldb, k, j0, len, panel);
      int i = r0;
      for (; i + 4 <= r1; i += 4) {
        float[] t0 = acc[0];
        float[] t1 = acc[1];
        float[] t2 = acc[2];
        float[] t3 = acc[3];
        Arrays.fill(t0, 0, len, 0f);
        Arrays.fill(t1, 0, len, 0f);
        Arrays.fill(t2, 0, len, 0f);
        Arrays.fill(t3, 0, len, 0f);
        int ai = aOff + i * rowStep;
        for (int p = 0; p < k; p++) {
          int ap = ai + p * colStep;
          float a0 = a[ap];
          float a1 = a[ap + rowStep];
          float a2 = a[ap + 2 * rowStep];
          float a3 = a[ap + 3 * rowStep];
          float[] bp = panel[p];
          for (int j = 0; j < len; j++) {
            float bv = bp[j];
            t0[j] += a0 * bv;
            t1[j] += a1 * bv;
            t2[j] += a2 * bv;
            t3[j] += a3 * bv;
          }
        }
        int ci = cOff + i * ldc + j0;
        addScaled(alpha, t0, c, ci, len);
        addScaled(alpha, t1, c, ci + ldc, len);
        addScaled(alpha, t2, c, ci + 2 * ldc, len);
        addScaled(alpha, t3, c, ci + 3 * ldc, len);
      }
      for (; i < r1; i++) {
        float[] t0 = acc[0];
        Arrays.fill(t0, 0, len, 0f);
        int ai = aOff + i * rowStep;
        for (int p = 0; p < k; p++) {
          float a0 = a[ai + p * colStep];
          float[] bp = panel[p];
          for (int j = 0; j < len; j++) {
            t0[j] += a0 * bp[j];
          }
        }
        addScaled(alpha, t0, c, cOff + i * ldc + j0, len);
      }
    }
  }

  /** Rows 0..k of op(B), columns j0..j0+len, into {@code panel[p][0..len)}. */
  private static void pack(
      boolean transB, float[] b, int bOff, int ldb, int k, int j0, int len, float[][] panel) {
    if (!transB) {
      for (int p = 0; p < k; p++) {
        System.arraycopy(b, bOff + p * ldb + j0, panel[p], 0, len);
      }
      return;
    }
    // op(B)[p][j] = B[j][p]: walk B row by row so reads stay sequential.
    for (int j = 0; j < len; j++) {
      int src = bOff + (j0 + j) * ldb;
      for (int p = 0; p < k; p++) {
        panel[p][j] = b[src + p];
      }
    }
  }

  private static void addScaled(float alpha, float[] t, float[] c, int cOff, int len) {
    for (int j = 0; j < len; j++) {
      c[cOff + j] += alpha * t[j];
    }
  }
}
