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

  void gemm(
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
      int ldc);

  /**
   * {@code C = alpha · Σ_img op(A_img)·op(B_img) + beta · C} over {@code count} products, all rows
   * of C, operands {@code strideA} and {@code strideB} floats apart (a weight gradient summed over
   * the images of a batch). By default one {@link #gemm} per image; a kernel may fuse them.
   */
  default void gemmSum(
      boolean transA,
      boolean transB,
      int m,
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
    for (int i = 0; i < count; i++) {
      gemm(
          transA,
          transB,
          0,
          m,
          n,
          k,
          alpha,
          a,
          aOff + i * strideA,
          lda,
          b,
          bOff + i * strideB,
          ldb,
          i == 0 ? beta : 1f,
          c,
          cOff,
          ldc);
    }
  }
}
