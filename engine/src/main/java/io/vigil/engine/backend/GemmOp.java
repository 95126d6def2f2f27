package io.vigil.engine.backend;

/**
 * One (possibly batched) row-major GEMM: for {@code b} in {@code [0, batch)},
 *
 * <pre>C_b = alpha · op(A_b) · op(B_b) + beta · C_b</pre>
 *
 * where {@code op(X)} is {@code X} or {@code Xᵀ}, {@code op(A_b)} is {@code m × k}, {@code op(B_b)}
 * is {@code k × n}, and {@code X_b} starts {@code b · strideX} floats after {@code X}'s offset. A
 * stride of 0 shares one matrix across the batch (e.g. the convolution weights). {@code strideC =
 * 0} with {@code batch > 1} sums all products into one {@code C} (a weight gradient summed over
 * images): {@code C = alpha · Σ_b op(A_b) op(B_b) + beta · C}.
 *
 * <p>Leading dimensions are those of the stored matrices: {@code lda} is the row length of {@code
 * A} as stored ({@code k} if not transposed, {@code m} if transposed), likewise {@code ldb}, {@code
 * ldc}. Build one per layer at set-up and reuse it; it is immutable.
 */
public record GemmOp(
    boolean transA,
    boolean transB,
    int m,
    int n,
    int k,
    float alpha,
    float beta,
    int lda,
    int ldb,
    int ldc,
    int batch,
    int strideA,
    int strideB,
    int strideC) {

  public GemmOp {
    if (m < 1 || n < 1 || k < 1 || batch < 1) {
      throw new IllegalArgumentException(
          "gemm: m, n, k and batch must be ≥ 1, got m="
              + m
              + " n="
              + n
              + " k="
              + k
              + " batch="
              + batch);
    }
    if (lda < (transA ? m : k) || ldb < (transB ? k : n) || ldc < n) {
      throw new IllegalArgumentException(
          "gemm: leading dimension too small: lda="
              + lda
              + " ldb="
              + ldb
              + " ldc="
              + ldc
              + " for m="
              + m
              + " n="
              + n
              + " k="
              + k
              + " transA="
              + transA
              + " transB="
              + transB);
    }
    if (strideA < 0 || strideB < 0 || strideC < 0) {
      throw new IllegalArgumentException("gemm: negative batch stride");
    }
  }

  /** A single tightly packed GEMM {@code C = alpha·op(A)·op(B) + beta·C}. */
  public static GemmOp of(
      boolean transA, boolean transB, int m, int n, int k, float alpha, float beta) {
    return new GemmOp(
        transA, transB, m, n, k, alpha, beta, transA ? m : k, transB ? k : n, n, 1, 0, 0, 0);
  }

  /** The same product repeated over {@code count} matrices with the given strides. */
  public GemmOp batched(int count, int strideA, int strideB, int strideC) {
    return new GemmOp(
        transA, transB, m, n, k, alpha, beta, lda, ldb, ldc, count, strideA, strideB, strideC);
  }

  /** True when every product is summed into one C. */
  public boolean sumsOverBatch() {
    return batch > 1 && strideC == 0;
  }

  /** Floats spanned by one stored A (rows × lda, last row only up to its used length). */
  public int spanA() {
    return transA ? (k - 1) * lda + m : (m - 1) * lda + k;
  }

  /** Floats spanned by one stored B. */
  public int spanB() {
    return transB ? (n - 1) * ldb + k : (k - 1) * ldb + n;
  }

  /** Floats spanned by one C. */
  public int spanC() {
    return (m - 1) * ldc + n;
  }
}
