package io.vigil.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.engine.backend.GemmOp;
import io.vigil.engine.tensor.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** OpenCL GEMM equals the CPU GEMM for every transpose, awkward sizes, batches and offsets. */
class GemmParityTest {

  private static Shape flat(long size) {
    return new Shape(1, (int) Math.max(1, size), 1, 1);
  }

  /** Runs {@code op} on random A, B, C (with extra room and offsets) on both and compares C. */
  private static void check(GemmOp op, int aOff, int bOff, int cOff, long seed) {
    long spanA =
        (long) (op.batch() - 1) * op.strideA() + (long) op.lda() * (op.transA() ? op.k() : op.m());
    long spanB =
        (long) (op.batch() - 1) * op.strideB() + (long) op.ldb() * (op.transB() ? op.n() : op.k());
    long spanC = (long) (op.batch() - 1) * op.strideC() + (long) op.ldc() * op.m();
    Twin a = Twin.random(flat(aOff + spanA), seed);
    Twin b = Twin.random(flat(bOff + spanB), seed + 1);
    Twin c = Twin.random(flat(cOff + spanC), seed + 2);
    Twin ws = Twin.zeros(flat(Twin.CPU.gemmWorkspaceSize(op)));
    Twin.CPU.gemm(op, a.cpu, aOff, b.cpu, bOff, c.cpu, cOff, ws.cpu);
    Twin.CL.gemm(op, a.cl, aOff, b.cl, bOff, c.cl, cOff, null);
    c.assertClose(op.toString());
  }

  @ParameterizedTest(name = "transA={0} transB={1} m={2} n={3} k={4}")
  @CsvSource({
    "false,false,1,1,1",
    "false,false,7,13,5",
    "false,true,17,1,31",
    "true,false,1,29,3",
    "true,true,33,29,67",
    "false,false,64,64,64",
    "true,false,37,41,131",
    "false,true,6,784,25",
    "true,true,2,3,257",
  })
  void singleProductsMatch(boolean ta, boolean tb, int m, int n, int k) {
    check(GemmOp.of(ta, tb, m, n, k, 1f, 0f), 0, 0, 0, m * 1000L + n * 10L + k);
    check(GemmOp.of(ta, tb, m, n, k, -0.5f, 0.75f), 3, 5, 7, m + n + k);
  }

  @Test
  void paddedLeadingDimensionsMatch() {
    // A 5×7 inside rows of 11, B 7×9 inside rows of 10, C 5×9 inside rows of 13.
    GemmOp op = new GemmOp(false, false, 5, 9, 7, 1.5f, 0.25f, 11, 10, 13, 1, 0, 0, 0);
    check(op, 2, 0, 1, 42);
    GemmOp t = new GemmOp(true, true, 5, 9, 7, 1f, 0f, 6, 8, 9, 1, 0, 0, 0);
    check(t, 0, 3, 0, 43);
  }

  @Test
  void batchedProductsWithSharedWeightsMatch() {
    // The convolution forward: one weight matrix (stride 0) times each image's columns.
    GemmOp op = GemmOp.of(false, false, 6, 23, 25, 1f, 0f).batched(3, 0, 25 * 23, 6 * 23);
    check(op, 0, 0, 0, 7);
    GemmOp back = GemmOp.of(true, false, 25, 23, 6, 1f, 0f).batched(5, 0, 6 * 23, 25 * 23);
    check(back, 1, 2, 0, 8);
  }

  @Test
  void productsSummedOverTheBatchMatch() {
    // The weight gradient: C += Σ_i dY_i · cols_iᵀ.
    GemmOp op = GemmOp.of(false, true, 7, 11, 19, 1f, 1f).batched(9, 7 * 19, 11 * 19, 0);
    assertTrue(op.sumsOverBatch());
    check(op, 0, 4, 2, 9);
    check(op.batched(1, 7 * 19, 11 * 19, 0), 0, 0, 0, 10);
  }

  @Test
  void transposedOperandsReadFromPanelsMatch() {
    int blockCols = Twin.CL.cl().tuning("GEMM_VW");
    GemmOp[] ops = {
      // Row blocks that do not fill a panel (37, 19 rows), columns that do not fill a vector.
      GemmOp.of(true, false, 37, 131, 67, 1f, 0f),
      GemmOp.of(true, true, 19, 257, 5, 0.5f, 0.25f),
      // A per image, and one A shared by every image (a convolution's input gradient).
      GemmOp.of(true, false, 13, 150, 9, 1f, 0f).batched(3, 9 * 13 + 2, 9 * 150, 13 * 150),
      GemmOp.of(true, false, 25, 160, 6, 1f, 0f).batched(5, 0, 6 * 160, 25 * 160),
    };
    long seed = 20;
    for (GemmOp op : ops) {
      assertTrue(ClGemm.packsA(op, blockCols), op + " should read A from panels");
      check(op, 0, 0, 0, seed++);
      check(op, 5, 3, 2, seed++);
    }
  }

  @Test
  void everyTuningRowGivesTheSameProducts() throws java.io.IOException {
    String device = Twin.CL.device().name().toLowerCase(java.util.Locale.ROOT);
    GemmOp[] ops = {
      GemmOp.of(false, false, 13, 29, 7, 1f, 0.5f),
      GemmOp.of(true, false, 9, 35, 11, 1f, 0f).batched(3, 99, 385, 315),
      GemmOp.of(false, true, 7, 11, 19, 1f, 1f).batched(9, 7 * 19, 11 * 19, 0),
      GemmOp.of(true, true, 5, 6, 17, 2f, 0f),
      GemmOp.of(true, false, 11, 300, 21, 1f, 0.5f),
    };
    for (String row :
        new String[] {
          "GEMM_RM=4 GEMM_VW=8 GEMM_DOT=2",
          "GEMM_RM=3 GEMM_VW=4 GEMM_DOT=1",
          "GEMM_RM=12 GEMM_VW=16 GEMM_DOT=3"
        }) {
      TuningTable table =
          TuningTable.parse(
                  new java.io.BufferedReader(new java.io.StringReader(device + " | " + row)),
                  "test")
              .over(TuningTable.shipped());
      try (OpenClBackend other = OpenClBackend.on(Twin.CL.device(), table)) {
        for (GemmOp op : ops) {
          int sizeA = (op.batch() - 1) * op.strideA() + op.m() * op.k();
          int sizeB = (op.batch() - 1) * op.strideB() + op.k() * op.n();
          int sizeC = (op.batch() - 1) * op.strideC() + op.m() * op.n();
          float[] a = Twin.values(sizeA, 1);
          float[] b = Twin.values(sizeB, 2);
          float[] c = Twin.values(sizeC, 3);
          Twin cpuC = Twin.of(flat(sizeC), c);
          Twin.CPU.gemm(
              op,
              Twin.of(flat(sizeA), a).cpu,
              0,
              Twin.of(flat(sizeB), b).cpu,
              0,
              cpuC.cpu,
              0,
              Twin.CPU.allocate(flat(Math.max(1, Twin.CPU.gemmWorkspaceSize(op)))));
          var ta = other.allocate(flat(sizeA));
          var tb = other.allocate(flat(sizeB));
          var tc = other.allocate(flat(sizeC));
          other.upload(a, 0, ta, 0, sizeA);
          other.upload(b, 0, tb, 0, sizeB);
          other.upload(c, 0, tc, 0, sizeC);
          other.gemm(op, ta, 0, tb, 0, tc, 0, null);
          float[] out = new float[sizeC];
          other.download(tc, 0, out, 0, sizeC);
          Twin.assertClose(row + " " + op, cpuC.cpuValues(), out);
        }
      }
    }
  }

  @Test
  void needsNoWorkspace() {
    GemmOp op = GemmOp.of(false, true, 7, 11, 19, 1f, 1f).batched(9, 7 * 19, 11 * 19, 0);
    assertEquals(0, Twin.CL.gemmWorkspaceSize(op));
  }

  @Test
  void refusesOperandsTooSmallForTheProduct() {
    GemmOp op = GemmOp.of(false, false, 4, 4, 4, 1f, 0f).batched(2, 16, 16, 16);
    Twin small = Twin.zeros(flat(20));
    Twin big = Twin.zeros(flat(32));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Twin.CL.gemm(op, small.cl, 0, big.cl, 0, big.cl, 0, null));
    assertTrue(e.getMessage().contains("gemm A"), e.getMessage());
    assertTrue(e.getMessage().contains("needs 32 floats"), e.getMessage());
  }
}
