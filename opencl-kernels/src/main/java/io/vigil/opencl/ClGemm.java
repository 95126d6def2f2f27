package io.vigil.opencl;

import io.vigil.engine.backend.GemmOp;
import io.vigil.engine.tensor.Tensor;

/**
 * Runs a {@link GemmOp} with the kernels of {@code kernels/gemm.cl}: {@code gemm_nt} when only B is
 * transposed, otherwise {@code gemm_vec}, which reads an operand stored transposed from panels that
 * {@code pack_a} and {@code pack_b} make first (B always; A when enough work items read each panel
 * to repay the copy), and splits a product summed over a batch into partial sums when C alone has
 * too few blocks to keep the device busy (then adds the parts up). The panel and partial-sum
 * buffers are kept and grown, never allocated per call. Callers hold the backend's lock.
 */
final class ClGemm {

  private static final String FILE = "gemm";

  /**
   * Column blocks of C (work items reading each panel of A) from which a transposed A is packed:
   * read in place, each step of a work item loads from GEMM_RM different rows of Aᵀ (4 KiB apart
   * when m = 1024); packed, 1024² Aᵀ·B ran as fast as A·B on PoCL (about 1.7 times the in-place
   * speed, measured when the packing was added). With few readers the copy costs more than it
   * saves. A B stored row-major is read in place: packing it measured no faster.
   */
  static final int PACK_A_MIN_READERS = 8;

  /**
   * The build options of gemm_vec per (TRANS_A, PACK_A, PACK_B) as bits 4, 2, 1, made once rather
   * than concatenated per call: a batch-1 inference is bound by the host's cost per launch.
   */
  private static final String[] VARIANTS = new String[8];

  static {
    for (int bits = 0; bits < 8; bits++) {
      VARIANTS[bits] =
          "-DTRANS_A="
              + (bits >> 2 & 1)
              + " -DPACK_A="
              + (bits >> 1 & 1)
              + " -DPACK_B="
              + (bits & 1);
    }
  }

  private final ClLauncher ops;
  private final ClMemory memory;
  private ClBuffer panelsA;
  private ClBuffer panelsB;
  private ClBuffer partials;

  ClGemm(ClLauncher ops, ClMemory memory) {
    this.ops = ops;
    this.memory = memory;
  }

  /** Whether {@code gemm_vec} reads A from panels for {@code op} on a device with these blocks. */
  static boolean packsA(GemmOp op, int blockCols) {
    int colBlocks = (op.n() + blockCols - 1) / blockCols;
    return op.transA() && colBlocks >= PACK_A_MIN_READERS;
  }

  void run(GemmOp op, Tensor a, int aOffset, Tensor b, int bOffset, Tensor c, int cOffset) {
    ClContext cl = ops.cl();
    int m = op.m();
    int n = op.n();
    int k = op.k();
    // Aᵀ·Bᵀ has no kernel of its own: B is packed and gemm_vec runs.
    boolean dot = op.transB() && !op.transA();
    int blockRows = dot ? cl.tuning("GEMM_DOT") : cl.tuning("GEMM_RM");
    int blockCols = dot ? cl.tuning("GEMM_DOT") : cl.tuning("GEMM_VW");
    int rowBlocks = (m + blockRows - 1) / blockRows;
    int colBlocks = (n + blockCols - 1) / blockCols;
    boolean packA = !dot && packsA(op, blockCols);
    // gemm_vec reads B along its rows: a transposed B is always packed.
    boolean packB = !dot && op.transB();
    // Panels hold op(A) whichever way A was stored, so PACK_A needs no TRANS_A.
    String variant = VARIANTS[(op.transA() && !packA ? 4 : 0) | (packA ? 2 : 0) | (packB ? 1 : 0)];

    Launch l = ops.launch(FILE, dot ? "gemm_nt" : "gemm_vec", variant).i(m).i(n).i(k);
    int parts = 1;
    if (op.sumsOverBatch()) {
      // Enough work items for every compute unit to run a few; each part sums batch/parts images.
      long target = 64L * Math.max(1, cl.device().computeUnits());
      long blocks = (long) rowBlocks * colBlocks;
      parts = (int) Math.min(op.batch(), Math.max(1, (target + blocks - 1) / blocks));
    }
    l.f(parts > 1 ? 1f : op.alpha()).f(parts > 1 ? 0f : op.beta());
    if (packA) {
      int count = op.strideA() == 0 ? 1 : op.batch();
      int panel = rowBlocks * k * blockRows;
      panelsA = grow(panelsA, (long) count * panel);
      ops.launch(FILE, "pack_a", "-DTRANS_A=" + (op.transA() ? 1 : 0))
          .tensor(a, aOffset)
          .i(op.lda())
          .i(op.strideA())
          .i(m)
          .i(k)
          .mem(panelsA)
          .run(new long[] {k, rowBlocks, count}, null);
      l.mem(panelsA).i(0).i(0).i(op.strideA() == 0 ? 0 : panel);
    } else {
      l.tensor(a, aOffset).i(op.lda()).i(op.strideA());
    }
    if (packB) {
      int count = op.strideB() == 0 ? 1 : op.batch();
      int panel = colBlocks * k * blockCols;
      panelsB = grow(panelsB, (long) count * panel);
      ops.launch(FILE, "pack_b", "-DTRANS_B=" + (op.transB() ? 1 : 0))
          .tensor(b, bOffset)
          .i(op.ldb())
          .i(op.strideB())
          .i(k)
          .i(n)
          .mem(panelsB)
          .run(new long[] {k, colBlocks, count}, null);
      l.mem(panelsB).i(0).i(0).i(op.strideB() == 0 ? 0 : panel);
    } else {
      l.tensor(b, bOffset).i(op.ldb()).i(op.strideB());
    }
    if (parts > 1) {
      partials = grow(partials, (long) parts * m * n);
      l.mem(partials).i(0).i(n).i(m * n);
    } else {
      l.tensor(c, cOffset).i(op.ldc()).i(op.strideC());
    }
    l.i(op.batch())
        .run(new long[] {rowBlocks, colBlocks, op.sumsOverBatch() ? parts : op.batch()}, null);
    if (parts > 1) {
      ops.launch(FILE, "reduce_parts")
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
    if (buffer != null && buffer.capacity() >= values) {
      return buffer;
    }
    if (buffer != null) {
      // Outgrown: freed now rather than left to the leak net.
      memory.free(buffer);
    }
    return memory.allocateScratch((int) values, "GEMM scratch");
  }
}
