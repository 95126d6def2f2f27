package io.vigil.opencl;

import io.vigil.engine.backend.GemmOp;
import io.vigil.engine.tensor.Tensor;

/**
 * Runs a {@link GemmOp} with the kernels of {@code kernels/gemm.cl}: {@code gemm_nt} when only B is
 * transposed, otherwise {@code gemm_vec} after packing a transposed B into row-major, and splits a
 * product summed over a batch into partial sums when C alone has too few blocks to keep the device
 * busy (then adds the parts up). The pack and partial-sum buffers are kept and grown, never
 * allocated per call. Callers hold the backend's lock.
 */
final class ClGemm {

  private static final String FILE = "gemm";

  private final ClOps ops;
  private final ClMemory memory;
  private ClBuffer packed;
  private ClBuffer partials;

  ClGemm(ClOps ops, ClMemory memory) {
    this.ops = ops;
    this.memory = memory;
  }

  void run(GemmOp op, Tensor a, int aOffset, Tensor b, int bOffset, Tensor c, int cOffset) {
    ClContext cl = ops.cl();
    int rm = cl.tuning("GEMM_RM");
    int vw = cl.tuning("GEMM_VW");
    int m = op.m();
    int n = op.n();
    int k = op.k();
    // Aᵀ·Bᵀ has no kernel of its own: B is packed row-major and gemm_vec runs.
    boolean dot = op.transB() && !op.transA();
    int blockRows = dot ? cl.tuning("GEMM_DOT") : rm;
    int blockCols = dot ? cl.tuning("GEMM_DOT") : vw;
    long blocks = (long) ((n + blockCols - 1) / blockCols) * ((m + blockRows - 1) / blockRows);
    String variant = "-DTRANS_A=" + (op.transA() ? 1 : 0);

    // B operand as the kernel reads it: row-major k × n.
    ClBuffer bBuf;
    int bBase;
    int ldb;
    int strideB;
    if (dot) {
      bBuf = ops.buffer(b);
      bBase = b.offset() + bOffset;
      ldb = op.ldb();
      strideB = op.strideB();
    } else if (op.transB()) {
      int count = op.strideB() == 0 ? 1 : op.batch();
      packed = grow(packed, (long) count * k * n);
      ops.launch(FILE, "transpose_b", variant)
          .tensor(b, bOffset)
          .i(op.ldb())
          .i(op.strideB())
          .i(k)
          .i(n)
          .i(count)
          .mem(packed)
          .run1d((long) count * k * n);
      bBuf = packed;
      bBase = 0;
      ldb = n;
      strideB = op.strideB() == 0 ? 0 : k * n;
    } else {
      bBuf = ops.buffer(b);
      bBase = b.offset() + bOffset;
      ldb = op.ldb();
      strideB = op.strideB();
    }

    int parts = 1;
    if (op.sumsOverBatch()) {
      // Enough work items for every compute unit to run a few; each part sums batch/parts images.
      long target = 64L * Math.max(1, cl.device().computeUnits());
      parts = (int) Math.min(op.batch(), Math.max(1, (target + blocks - 1) / blocks));
    }
    Launch l =
        ops.launch(FILE, dot ? "gemm_nt" : "gemm_vec", variant)
            .i(m)
            .i(n)
            .i(k)
            .f(parts > 1 ? 1f : op.alpha())
            .f(parts > 1 ? 0f : op.beta())
            .tensor(a, aOffset)
            .i(op.lda())
            .i(op.strideA())
            .mem(bBuf)
            .i(bBase)
            .i(ldb)
            .i(strideB);
    if (parts > 1) {
      partials = grow(partials, (long) parts * m * n);
      l.mem(partials).i(0).i(n).i(m * n);
    } else {
      l.tensor(c, cOffset).i(op.ldc()).i(op.strideC());
    }
    l.i(op.batch())
        .run(
            new long[] {
              (m + blockRows - 1) / blockRows,
              (n + blockCols - 1) / blockCols,
              op.sumsOverBatch() ? parts : op.batch()
            },
            null);
    if (parts > 1) {
      ops.launch(FILE, "reduce_parts", variant)
          .mem(partials)
          .i(parts)
          .i(m)
          .i(n)
          .f(op.alpha())
          .f(op.beta())
          .tensor(c, cOffset)
          .i(op.ldc())
          .run1d((long) m * n);
    }
  }

  private ClBuffer grow(ClBuffer buffer, long values) {
    if (values > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("gemm: scratch of " + values + " floats is too large");
    }
    return buffer != null && buffer.capacity() >= values ? buffer : memory.allocate((int) values);
  }
}
