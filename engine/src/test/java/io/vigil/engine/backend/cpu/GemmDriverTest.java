package io.vigil.engine.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vigil.engine.backend.GemmOp;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link CpuGemmDriver} with each kernel on 1 and 2 threads against {@link NaiveGemm}: batches with
 * shared A or B, sums over the batch, and single products split into column or row strips.
 */
class GemmDriverTest {

  private static final Parallel ONE = new Parallel(1);
  private static final Parallel TWO = new Parallel(2);
  private static final Parallel THREE = new Parallel(3);

  @Test
  void singleProductsSplitIntoStrips() {
    // Wide (column strips), tall (row strips), too small to split, and remainders of the grain.
    check(GemmOp.of(false, false, 6, 784, 25, 1f, 0f), 0, 0, 0);
    check(GemmOp.of(false, true, 6, 785, 25, 1f, 0.5f), 1, 2, 3);
    check(GemmOp.of(true, false, 301, 40, 33, 2f, 0f), 0, 1, 0);
    check(GemmOp.of(true, true, 97, 13, 200, 1f, 1f), 2, 0, 1);
    check(GemmOp.of(false, false, 1, 1, 1, 1f, 0f), 0, 0, 0);
    check(GemmOp.of(false, false, 5, 33, 70, 1f, 0f), 0, 0, 0);
    // Large enough that the vector kernel's products are split between threads.
    check(GemmOp.of(false, false, 6, 2001, 300, 1f, 0f), 0, 0, 0);
    check(GemmOp.of(false, true, 7, 1500, 333, 1f, 1f), 1, 1, 1);
    // A fully connected layer at batch 1 (one row against blocks of four, and a remainder).
    check(GemmOp.of(false, true, 1, 4099, 301, 0.5f, 0.25f), 0, 1, 2);
    check(GemmOp.of(true, false, 503, 40, 101, 1f, 0f), 0, 0, 0);
    check(
        GemmOp.of(false, false, 16, 401, 150, 1f, 0f).batched(3, 0, 150 * 401, 16 * 401), 0, 0, 0);
  }

  @Test
  void batchesWithSharedOperands() {
    // Convolution forward (shared A), its input gradient (shared A, transposed), shared B, and
    // batches that do not divide the threads.
    for (int batch : new int[] {1, 2, 3, 5, 9}) {
      check(GemmOp.of(false, false, 6, 49, 27, 1f, 0f).batched(batch, 0, 27 * 49, 6 * 49), 0, 0, 0);
      check(GemmOp.of(true, false, 27, 49, 6, 1f, 0f).batched(batch, 0, 6 * 49, 27 * 49), 3, 1, 2);
      check(GemmOp.of(false, true, 10, 40, 20, 1f, 0.5f).batched(batch, 200, 0, 400), 1, 1, 1);
    }
  }

  @Test
  void sumsOverTheBatch() {
    for (int batch : new int[] {2, 3, 7, 64}) {
      check(GemmOp.of(false, true, 16, 150, 100, 1f, 1f).batched(batch, 1600, 15000, 0), 1, 0, 2);
      check(GemmOp.of(true, false, 7, 9, 30, 0.5f, 0f).batched(batch, 210, 270, 0), 0, 3, 0);
      // LeNet conv1's weight gradient, and remainders of the 4 × 3 dot block and of the vector.
      check(
          GemmOp.of(false, true, 6, 25, 784, 1f, 1f).batched(batch, 6 * 784, 25 * 784, 0), 0, 0, 0);
      check(GemmOp.of(false, true, 7, 26, 50, 2f, 0.5f).batched(batch, 400, 1400, 0), 2, 1, 3);
      // Many more columns than rows (vgg-small's conv1_2 weight gradient, 32 × 288 × 784, made
      // smaller): summed as the transpose, with a depth past one slice, alpha, beta and C padded.
      check(
          GemmOp.of(false, true, 32, 150, 70, 1f, 1f).batched(batch, 32 * 70, 150 * 70, 0),
          0,
          0,
          0);
      check(
          new GemmOp(false, true, 25, 130, 300, 0.5f, 0.25f, 301, 300, 133, 1, 0, 0, 0)
              .batched(batch, 25 * 301, 130 * 300, 0),
          1,
          2,
          3);
    }
  }

  @Test
  void refusesAMissingWorkspace() {
    GemmOp op = GemmOp.of(false, true, 16, 150, 100, 1f, 1f).batched(64, 1600, 15000, 0);
    CpuGemmDriver driver = new CpuGemmDriver(ScalarGemm.INSTANCE, TWO);
    float[] a = new float[64 * 1600];
    float[] b = new float[64 * 15000];
    float[] c = new float[16 * 150];
    assertThrows(
        IllegalArgumentException.class,
        () ->
            driver.run(
                op,
                MatrixView.a(op, a, 0),
                MatrixView.b(op, b, 0),
                MatrixView.c(op, c, 0),
                null,
                0));
  }

  private static void check(GemmOp op, int aOff, int bOff, int cOff) {
    Random random = new Random(op.hashCode());
    int aSize = aOff + (op.batch() - 1) * op.strideA() + op.spanA();
    int bSize = bOff + (op.batch() - 1) * op.strideB() + op.spanB();
    int cSize = cOff + (op.batch() - 1) * op.strideC() + op.spanC() + 2;
    float[] a = GemmKernelTest.randoms(random, aSize);
    float[] b = GemmKernelTest.randoms(random, bSize);
    float[] c = GemmKernelTest.randoms(random, cSize);
    float[] expected = c.clone();
    NaiveGemm.gemm(op, a, aOff, b, bOff, expected, cOff);
    for (GemmKernel kernel : GemmKernelTest.kernels()) {
      for (Parallel parallel : new Parallel[] {ONE, TWO, THREE}) {
        CpuGemmDriver driver = new CpuGemmDriver(kernel, parallel);
        float[] actual = c.clone();
        float[] ws = new float[driver.workspaceSize(op) + 1];
        driver.run(
            op,
            MatrixView.a(op, a, aOff),
            MatrixView.b(op, b, bOff),
            MatrixView.c(op, actual, cOff),
            ws,
            1);
        for (int i = 0; i < cSize; i++) {
          float tolerance = 1e-4f * (op.k() * op.batch() + 1) + 1e-5f * Math.abs(expected[i]);
          if (!(Math.abs(actual[i] - expected[i]) <= tolerance)) {
            throw new AssertionError(
                op
                    + " with "
                    + kernel.name()
                    + " on "
                    + parallel.threads()
                    + " threads: C["
                    + i
                    + "] = "
                    + actual[i]
                    + ", naive gives "
                    + expected[i]);
          }
        }
      }
    }
  }
}
