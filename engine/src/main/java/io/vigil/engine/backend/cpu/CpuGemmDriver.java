package io.vigil.engine.backend.cpu;

import io.vigil.engine.backend.GemmOp;

/**
 * Runs a whole {@link GemmOp} (batch, shared operands, sum over the batch) on the host by handing
 * pieces of it to a {@link GemmKernel} on the threads of a {@link Parallel}. The work is cut into
 * {@code batch × pieces} units, where each product is split into {@code pieces} column strips (or
 * row strips when C is taller than wide) only when the batch alone cannot keep every thread busy: a
 * single {@code 6 × 784} convolution product runs as two {@code 6 × 392} strips instead of a 4-row
 * and a 2-row one. A sum over the batch gives each thread its own partial C (share 0 writes C
 * itself, the others a slice of the workspace) and adds them at the end.
 *
 * <p>Arrays are raw: the caller has checked that every operand lies inside its array.
 */
final class CpuGemmDriver {

  /** Column strips are multiples of this (the vector kernel's tile width with AVX-512). */
  private static final int COL_GRAIN = 32;

  /** Row strips are multiples of this (the vector kernel's tile height). */
  private static final int ROW_GRAIN = 6;

  private final GemmKernel kernel;
  private final Parallel parallel;

  CpuGemmDriver(GemmKernel kernel, Parallel parallel) {
    this.kernel = kernel;
    this.parallel = parallel;
  }

  GemmKernel kernel() {
    return kernel;
  }

  /** Floats of workspace {@link #run} needs for {@code op}. */
  int workspaceSize(GemmOp op) {
    return op.sumsOverBatch() ? (parallel.threads() - 1) * op.spanC() : 0;
  }

  /**
   * Every product of {@code op}, operands from where the views start ({@code op}'s strides apart);
   * a sum over the batch on several threads keeps its partial sums in {@code workspace} from {@code
   * wsBase}.
   */
  void run(GemmOp op, MatrixView a, MatrixView b, MatrixView c, float[] workspace, int wsBase) {
    long cost = kernel.parallelCost((long) op.m() * op.n() * op.k());
    if (op.sumsOverBatch()) {
      sumOverBatch(op, a, b, c, workspace, wsBase, cost);
      return;
    }
    int threads = parallel.threads();
    int batch = op.batch();
    // Whole products per thread when they divide evenly or are many; else strips of each.
    int pieces = batch % threads == 0 || batch >= 4 * threads ? 1 : threads;
    boolean byColumns = op.n() >= op.m();
    int grains =
        byColumns ? (op.n() + COL_GRAIN - 1) / COL_GRAIN : (op.m() + ROW_GRAIN - 1) / ROW_GRAIN;
    int split = Math.min(pieces, grains);
    parallel.forRange(
        batch * split,
        cost / split,
        (from, to, part) -> {
          for (int u = from; u < to; u++) {
            int i = u / split;
            int piece = u % split;
            MatrixView ai = a.shift(i * op.strideA());
            MatrixView bi = b.shift(i * op.strideB());
            MatrixView ci = c.shift(i * op.strideC());
            if (split == 1) {
              product(op, 0, op.m(), 0, op.n(), ai, bi, ci);
            } else if (byColumns) {
              int j0 = Math.min(op.n(), (int) ((long) grains * piece / split) * COL_GRAIN);
              int j1 = Math.min(op.n(), (int) ((long) grains * (piece + 1) / split) * COL_GRAIN);
              product(op, 0, op.m(), j0, j1, ai, bi, ci);
            } else {
              int r0 = Math.min(op.m(), (int) ((long) grains * piece / split) * ROW_GRAIN);
              int r1 = Math.min(op.m(), (int) ((long) grains * (piece + 1) / split) * ROW_GRAIN);
              product(op, r0, r1, 0, op.n(), ai, bi, ci);
            }
          }
        });
  }

  private void sumOverBatch(
      GemmOp op,
      MatrixView a,
      MatrixView b,
      MatrixView c,
      float[] workspace,
      int wsBase,
      long cost) {
    int parts = parallel.parts(op.batch(), cost);
    int span = op.spanC();
    if (parts > 1 && (workspace == null || wsBase + (parts - 1) * span > workspace.length)) {
      throw new IllegalArgumentException(
          "gemm: a sum over "
              + op.batch()
              + " products on "
              + parts
              + " threads needs "
              + (parts - 1) * span
              + " floats of workspace");
    }
    parallel.forRange(
        op.batch(),
        cost,
        (from, to, part) -> {
          // Share 0 accumulates into C itself; the others into their own slice of the workspace.
          MatrixView target =
              part == 0 ? c : MatrixView.c(op, workspace, wsBase + (part - 1) * span);
          kernel.gemmSum(
              op.m(),
              op.n(),
              op.k(),
              op.alpha(),
              a.shift(from * op.strideA()),
              op.strideA(),
              b.shift(from * op.strideB()),
              op.strideB(),
              to - from,
              part == 0 ? op.beta() : 0f,
              target);
        });
    float[] cv = c.data();
    for (int part = 1; part < parts; part++) {
      int base = wsBase + (part - 1) * span;
      for (int i = 0; i < op.m(); i++) {
        int crow = c.offset() + i * op.ldc();
        int wrow = base + i * op.ldc();
        for (int j = 0; j < op.n(); j++) {
          cv[crow + j] += workspace[wrow + j];
        }
      }
    }
  }

  /** Rows {@code [r0, r1)}, columns {@code [j0, j1)} of one product. */
  private void product(
      GemmOp op, int r0, int r1, int j0, int j1, MatrixView a, MatrixView b, MatrixView c) {
    if (r0 >= r1 || j0 >= j1) {
      return;
    }
    kernel.gemm(
        r0, r1, j1 - j0, op.k(), op.alpha(), a, b.fromColumn(j0), op.beta(), c.fromColumn(j0));
  }
}
