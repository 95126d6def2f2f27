package io.vigil.engine.backend.cpu;

import io.vigil.engine.backend.GemmOp;

/**
 * A GEMM operand as it lies in a float array: the matrix {@code X} a product reads, row-major with
 * rows {@code ld} floats apart from {@code offset}, and whether the product uses it as {@code X} or
 * {@code Xᵀ}:
 *
 * <pre>
 * op(X)(i, j) = data[offset + i·ld + j]   not transposed
 * op(X)(i, j) = data[offset + j·ld + i]   transposed (X stored as the transpose of op(X))
 * </pre>
 *
 * The kernels unpack the views into local primitives once per call, in a method small enough to be
 * inlined where the views are made, so that the JIT's escape analysis removes them: their inner
 * loops index plain arrays, and a product allocates nothing. A view of C is never transposed.
 */
record MatrixView(float[] data, int offset, int ld, boolean transposed) {

  /** X itself, row-major from {@code offset}, rows {@code ld} floats apart. */
  static MatrixView of(float[] data, int offset, int ld) {
    return new MatrixView(data, offset, ld, false);
  }

  /** {@code op(A)} of {@code op}, stored from {@code offset}. */
  static MatrixView a(GemmOp op, float[] data, int offset) {
    return new MatrixView(data, offset, op.lda(), op.transA());
  }

  /** {@code op(B)} of {@code op}, stored from {@code offset}. */
  static MatrixView b(GemmOp op, float[] data, int offset) {
    return new MatrixView(data, offset, op.ldb(), op.transB());
  }

  /** C of {@code op}, stored from {@code offset}. */
  static MatrixView c(GemmOp op, float[] data, int offset) {
    return new MatrixView(data, offset, op.ldc(), false);
  }

  /** The same matrix {@code floats} further on (the next image of a batch). */
  MatrixView shift(int floats) {
    // Always a new view: one that may be this one would keep escape analysis from removing it.
    return new MatrixView(data, offset + floats, ld, transposed);
  }

  /** {@code op(X)} from its row {@code i}. */
  MatrixView fromRow(int i) {
    return shift(transposed ? i : i * ld);
  }

  /** {@code op(X)} from its column {@code j}. */
  MatrixView fromColumn(int j) {
    return shift(transposed ? j * ld : j);
  }

  /** The same floats read as {@code op(X)ᵀ}: {@code C = A·B} is {@code Cᵀ = Bᵀ·Aᵀ}. */
  MatrixView transpose() {
    return new MatrixView(data, offset, ld, !transposed);
  }

  /** Floats from one row of {@code op(X)} to the next. */
  int rowStride() {
    return transposed ? 1 : ld;
  }

  /** Floats from one column of {@code op(X)} to the next. */
  int columnStride() {
    return transposed ? ld : 1;
  }

  @Override
  public String toString() {
    return "MatrixView[offset="
        + offset
        + ", ld="
        + ld
        + (transposed ? ", transposed" : "")
        + ", "
        + data.length
        + " floats]";
  }
}
