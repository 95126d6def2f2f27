package io.vigil.engine.backend.cpu;

/**
 * One single-threaded GEMM kernel over a range of rows of C, row-major:
 *
 * <pre>
 * C[i][0..n) = alpha · Σ_p op(A)[i][p] · op(B)[p][0..n) + beta · C[i][0..n)   for i in [r0, r1)
 * </pre>
 *
 * {@code op(A)} is {@code r1 × k} (rows from 0; only rows {@code [r0, r1)} are read), {@code op(B)}
 * is {@code k × n}. With {@code beta = 0} the old C is never read (NaN in C is overwritten). A
 * kernel is stateless apart from per-thread scratch, so one instance serves every thread.
 * Implementations: {@link VectorGemm} (Vector API) and {@link ScalarGemm} (plain Java); {@link
 * CpuGemm} picks one.
 */
interface GemmKernel {

  /** {@code vector} or {@code scalar}, for logs and benchmark output. */
  String name();

  /** A line for logs: the name and how the kernel is built. */
  default String describe() {
    return name();
  }

  /**
   * The cost of {@code multiplyAdds} in the units of {@link Parallel#parts} (about a nanosecond of
   * one thread's work each), which decides whether a product is worth handing to other threads.
   */
  default long parallelCost(long multiplyAdds) {
    return multiplyAdds;
  }

  /**
   * Rows {@code [r0, r1)} of {@code C = alpha·op(A)·op(B) + beta·C}: {@code op(A)} is {@code r1 ×
   * k}, {@code op(B)} is {@code k × n}, C (not transposed) has {@code n} columns.
   */
  void gemm(
      int r0,
      int r1,
      int n,
      int k,
      float alpha,
      MatrixView a,
      MatrixView b,
      float beta,
      MatrixView c);

  /**
   * {@code C = alpha · Σ_img op(A_img)·op(B_img) + beta · C} over {@code count} products, all rows
   * of C, operands {@code strideA} and {@code strideB} floats apart (a weight gradient summed over
   * the images of a batch). By default one {@link #gemm} per image; a kernel may fuse them.
   */
  default void gemmSum(
      int m,
      int n,
      int k,
      float alpha,
      MatrixView a,
      int strideA,
      MatrixView b,
      int strideB,
      int count,
      float beta,
      MatrixView c) {
    for (int i = 0; i < count; i++) {
      gemm(0, m, n, k, alpha, a.shift(i * strideA), b.shift(i * strideB), i == 0 ? beta : 1f, c);
    }
  }

  /**
   * {@code C[i][0..n) *= beta} for rows {@code [r0, r1)}: zeroed without being read when beta is 0
   * (C may hold NaN), untouched when beta is 1.
   */
  static void scaleRows(float[] c, int cOff, int ldc, int r0, int r1, int n, float beta) {
    if (beta == 1f) {
      return;
    }
    for (int i = r0; i < r1; i++) {
      int row = cOff + i * ldc;
      if (beta == 0f) {
        java.util.Arrays.fill(c, row, row + n, 0f);
      } else {
        for (int j = 0; j < n; j++) {
          c[row + j] *= beta;
        }
      }
    }
  }
}
