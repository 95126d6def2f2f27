package io.vigil.engine.backend;

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
}
