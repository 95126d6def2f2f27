package io.vigil.engine.backend.cpu;

import io.vigil.engine.backend.GemmOp;

/**
 * The reference GEMM: the textbook triple loop in double precision, one C element at a time. Slow
 * and obviously right; the fast kernels are tested against it.
 */
final class NaiveGemm {

  private NaiveGemm() {}

  /**
   * {@code C = alpha·op(A)·op(B) + beta·C} for every batch entry of {@code op} (see {@link
   * GemmOp}).
   */
  public static void gemm(
      GemmOp op, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff) {
    if (op.sumsOverBatch()) {
      for (int i = 0; i < op.m(); i++) {
        for (int j = 0; j < op.n(); j++) {
          double sum = 0;
          for (int bi = 0; bi < op.batch(); bi++) {
            sum += dot(op, a, aOff + bi * op.strideA(), b, bOff + bi * op.strideB(), i, j);
          }
          store(op, c, cOff, i, j, sum);
        }
      }
      return;
    }
    for (int bi = 0; bi < op.batch(); bi++) {
      for (int i = 0; i < op.m(); i++) {
        for (int j = 0; j < op.n(); j++) {
          double sum = dot(op, a, aOff + bi * op.strideA(), b, bOff + bi * op.strideB(), i, j);
          store(op, c, cOff + bi * op.strideC(), i, j, sum);
        }
      }
    }
  }

  private static double dot(GemmOp op, float[] a, int aOff, float[] b, int bOff, int i, int j) {
    double sum = 0;
    for (int p = 0; p < op.k(); p++) {
      float av = op.transA() ? a[aOff + p * op.lda() + i] : a[aOff + i * op.lda() + p];
      float bv = op.transB() ? b[bOff + j * op.ldb() + p] : b[bOff + p * op.ldb() + j];
      sum += (double) av * bv;
    }
    return sum;
  }

  private static void store(GemmOp op, float[] c, int cOff, int i, int j, double product) {
    int idx = cOff + i * op.ldc() + j;
    double old = op.beta() == 0 ? 0 : (double) op.beta() * c[idx];
    c[idx] = (float) (op.alpha() * product + old);
  }
}
