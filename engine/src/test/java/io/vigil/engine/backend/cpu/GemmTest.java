package io.vigil.engine.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vigil.engine.backend.GemmOp;
import io.vigil.engine.tensor.Shape;
import io.vigil.engine.tensor.Tensor;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The fast CPU GEMM against the naive reference on awkward sizes, transposes and batches. */
class GemmTest {

  private static final CpuBackend TWO_THREADS = new CpuBackend(2);

  static int[][] sizes() {
    // m, n, k: ones, primes, sizes around the 4-row block and the 256-column panel, long k.
    return new int[][] {
      {1, 1, 1},
      {1, 7, 3},
      {7, 1, 5},
      {3, 5, 1},
      {5, 13, 11},
      {4, 4, 4},
      {6, 784, 25},
      {17, 257, 31},
      {61, 3, 97},
      {16, 150, 100},
      {64, 120, 400},
      {2, 47, 513},
      {130, 67, 9}
    };
  }

  @ParameterizedTest
  @MethodSource("sizes")
  void matchesNaiveForEveryTransposeAndScaling(int[] size) {
    for (boolean ta : new boolean[] {false, true}) {
      for (boolean tb : new boolean[] {false, true}) {
        check(GemmOp.of(ta, tb, size[0], size[1], size[2], 1f, 0f), 3, 5, 2);
        check(GemmOp.of(ta, tb, size[0], size[1], size[2], -0.5f, 1f), 0, 0, 0);
        check(GemmOp.of(ta, tb, size[0], size[1], size[2], 2f, 0.25f), 1, 2, 3);
      }
    }
  }

  @Test
  void paddedLeadingDimensions() {
    check(new GemmOp(false, false, 5, 6, 7, 1f, 0f, 9, 8, 11, 1, 0, 0, 0), 2, 1, 4);
    check(new GemmOp(true, true, 5, 6, 7, 1f, 1f, 10, 9, 7, 1, 0, 0, 0), 0, 3, 1);
  }

  @Test
  void batchedWithSharedA() {
    // The convolution forward pass: one weight matrix, one column matrix per image.
    GemmOp op = GemmOp.of(false, false, 6, 49, 27, 1f, 0f).batched(5, 0, 27 * 49, 6 * 49);
    check(op, 0, 0, 0);
    check(GemmOp.of(true, false, 27, 49, 6, 1f, 0f).batched(3, 0, 6 * 49, 27 * 49), 1, 1, 1);
  }

  @Test
  void sumOverBatchIntoOneC() {
    // The convolution weight gradient: Σ_i dY_i · cols_iᵀ, accumulated onto what C holds.
    for (int batch : new int[] {2, 3, 7, 64}) {
      GemmOp op = GemmOp.of(false, true, 6, 25, 49, 1f, 1f).batched(batch, 6 * 49, 25 * 49, 0);
      check(op, 1, 0, 2);
    }
  }

  @Test
  void rejectsBuffersTooSmall() {
    GemmOp op = GemmOp.of(false, false, 4, 4, 4, 1f, 0f);
    Tensor small = TWO_THREADS.allocate(new Shape(1, 1, 1, 15));
    Tensor ok = TWO_THREADS.allocate(new Shape(1, 1, 1, 16));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> TWO_THREADS.gemm(op, small, 0, ok, 0, ok, 0, null));
    assertEquals(true, e.getMessage().startsWith("gemm A: needs 16 floats"), e.getMessage());
  }

  private static void check(GemmOp op, int aOff, int bOff, int cOff) {
    Random random = new Random(op.hashCode());
    int aSize = aOff + (op.batch() - 1) * op.strideA() + op.spanA();
    int bSize = bOff + (op.batch() - 1) * op.strideB() + op.spanB();
    int cSize = cOff + Math.max(0, op.batch() - 1) * op.strideC() + op.spanC();
    float[] a = randoms(random, aSize);
    float[] b = randoms(random, bSize);
    float[] c = randoms(random, cSize);
    float[] expected = c.clone();
    NaiveGemm.gemm(op, a, aOff, b, bOff, expected, cOff);
    for (CpuBackend backend : new CpuBackend[] {new CpuBackend(1), TWO_THREADS}) {
      Tensor ta = backend.allocate(new Shape(1, 1, 1, aSize));
      Tensor tb = backend.allocate(new Shape(1, 1, 1, bSize));
      Tensor tc = backend.allocate(new Shape(1, 1, 1, cSize));
      backend.upload(a, 0, ta, 0, aSize);
      backend.upload(b, 0, tb, 0, bSize);
      backend.upload(c, 0, tc, 0, cSize);
      Tensor ws = backend.allocate(new Shape(1, 1, 1, Math.max(1, backend.gemmWorkspaceSize(op))));
      backend.gemm(op, ta, aOff, tb, bOff, tc, cOff, ws);
      float[] actual = backend.data(tc);
      for (int i = 0; i < cSize; i++) {
        float tolerance = 1e-4f * (op.k() * op.batch() + 1) + 1e-5f * Math.abs(expected[i]);
        if (Math.abs(actual[i] - expected[i]) > tolerance) {
          throw new AssertionError(
              op
                  + " on "
                  + backend.name()
                  + ": C["
                  + i
                  + "] = "
                  + actual[i]
                  + ", naive gives "
                  + expected[i]);
        }
      }
    }
  }

  private static float[] randoms(Random random, int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) random.nextGaussian();
    }
    return v;
  }
}
