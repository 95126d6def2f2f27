package io.vigil.engine.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.engine.backend.GemmOp;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each GEMM kernel on its own (the Vector API one and the plain-Java fallback, whichever the JVM
 * running the tests chose) against {@link NaiveGemm}: sizes around the 6 × 32 register tile and the
 * 144 × 256 × 3072 cache blocks in every dimension, every transpose, padded leading dimensions,
 * offsets, row ranges, and alpha/beta, including beta = 0 over a C full of NaN.
 */
class GemmKernelTest {

  static List<GemmKernel> kernels() {
    List<GemmKernel> kernels = new ArrayList<>();
    kernels.add(ScalarGemm.INSTANCE);
    if (CpuGemm.vectorApiPresent()) {
      kernels.add(CpuGemm.choose("vector"));
    }
    return kernels;
  }

  static int[][] sizes() {
    // m, n, k: 1, primes, MR ± 1, NR ± 1, KC ± 1, MC + 1, LeNet's and the fully connected shapes.
    return new int[][] {
      {1, 1, 1},
      {1, 1, 300},
      {5, 15, 2},
      {6, 32, 256},
      {7, 33, 257},
      {12, 16, 3},
      {13, 31, 7},
      {6, 784, 25},
      {16, 100, 150},
      {23, 17, 11},
      {25, 63, 513},
      {150, 100, 16},
      {145, 65, 37},
      {2, 3100, 3},
      {64, 120, 400}
    };
  }

  @ParameterizedTest
  @MethodSource("sizes")
  void everyKernelMatchesNaive(int[] size) {
    for (GemmKernel kernel : kernels()) {
      for (boolean ta : new boolean[] {false, true}) {
        for (boolean tb : new boolean[] {false, true}) {
          int m = size[0];
          int n = size[1];
          int k = size[2];
          check(kernel, GemmOp.of(ta, tb, m, n, k, 1f, 0f), 0, m, 0, 0, 0);
          check(kernel, GemmOp.of(ta, tb, m, n, k, -0.5f, 1f), 0, m, 3, 1, 2);
          check(kernel, GemmOp.of(ta, tb, m, n, k, 2f, 0.25f), 0, m, 1, 5, 7);
        }
      }
    }
  }

  @Test
  void paddedLeadingDimensionsAndRowRanges() {
    for (GemmKernel kernel : kernels()) {
      // lda, ldb, ldc all larger than needed, for each transpose.
      check(
          kernel,
          new GemmOp(false, false, 13, 37, 19, 1f, 0f, 23, 41, 40, 1, 0, 0, 0),
          0,
          13,
          1,
          2,
          3);
      check(
          kernel,
          new GemmOp(true, false, 13, 37, 19, 1f, 1f, 17, 39, 38, 1, 0, 0, 0),
          2,
          11,
          0,
          0,
          5);
      check(
          kernel,
          new GemmOp(false, true, 13, 37, 19, 2f, 0f, 20, 21, 50, 1, 0, 0, 0),
          5,
          13,
          4,
          0,
          0);
      check(
          kernel,
          new GemmOp(true, true, 13, 37, 19, 1f, 0.5f, 14, 25, 37, 1, 0, 0, 0),
          6,
          7,
          0,
          9,
          1);
      // A·Bᵀ with few rows and a long k (vector dot products), padded, with a row range.
      check(
          kernel,
          new GemmOp(false, true, 13, 37, 45, 2f, 0.5f, 50, 47, 40, 1, 0, 0, 0),
          0,
          13,
          3,
          1,
          2);
      check(
          kernel,
          new GemmOp(false, true, 9, 4, 100, 1f, 0f, 101, 100, 4, 1, 0, 0, 0),
          2,
          9,
          0,
          0,
          0);
      // ldb a multiple of 256 floats: B is packed even for few rows (cache-set aliasing).
      check(
          kernel,
          new GemmOp(false, false, 6, 70, 9, 1f, 0f, 9, 256, 70, 1, 0, 0, 0),
          0,
          6,
          0,
          0,
          0);
      // Row ranges that start inside a register tile.
      check(kernel, GemmOp.of(false, false, 40, 50, 30, 1f, 0f), 4, 40, 0, 0, 0);
      check(kernel, GemmOp.of(true, true, 40, 50, 30, 1f, 1f), 13, 29, 0, 0, 0);
      // An overwrite in one slice of depth: the last 5 rows of the range, and the last 18
      // columns, are finished as whole tiles moved back inside the range (never past it).
      check(kernel, GemmOp.of(false, false, 40, 50, 30, 1f, 0f), 4, 15, 0, 0, 0);
      check(
          kernel,
          new GemmOp(false, false, 11, 50, 30, 1f, 0f, 30, 50, 64, 1, 0, 0, 0),
          0,
          11,
          0,
          0,
          0);
    }
  }

  @Test
  void alphaZeroOnlyScalesC() {
    for (GemmKernel kernel : kernels()) {
      check(kernel, GemmOp.of(false, false, 9, 35, 4, 0f, 0.5f), 0, 9, 0, 0, 0);
      check(kernel, GemmOp.of(false, true, 9, 35, 4, 0f, 0f), 0, 9, 0, 0, 0);
    }
  }

  @Test
  void choosesByProperty() {
    assertSame(ScalarGemm.INSTANCE, CpuGemm.choose("scalar"));
    assertSame(ScalarGemm.INSTANCE, CpuGemm.choose(" Scalar "));
    if (CpuGemm.vectorApiPresent()) {
      assertEquals("vector", CpuGemm.choose("auto").name());
      assertEquals("vector", CpuGemm.choose("vector").name());
      // The test JVM is started with the module (surefire argLine): the fast kernel must be the
      // one in use, or the suite would be testing the fallback twice.
      assertEquals("vector", CpuGemm.kernel().name());
    } else {
      assertSame(ScalarGemm.INSTANCE, CpuGemm.choose("auto"));
      IllegalStateException e =
          assertThrows(IllegalStateException.class, () -> CpuGemm.choose("vector"));
      assertTrue(e.getMessage().contains("--add-modules jdk.incubator.vector"), e.getMessage());
    }
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> CpuGemm.choose("blas"));
    assertTrue(e.getMessage().contains("auto, vector, scalar"), e.getMessage());
  }

  /**
   * Runs rows {@code [r0, r1)} of {@code op} through {@code kernel} on C pre-filled with NaN when
   * beta is 0 (it must not be read), and compares every element of C with the reference: rows in
   * range must match, all else must be untouched.
   */
  static void check(GemmKernel kernel, GemmOp op, int r0, int r1, int aOff, int bOff, int cOff) {
    Random random = new Random(31L * op.hashCode() + r0);
    float[] a = randoms(random, aOff + op.spanA());
    float[] b = randoms(random, bOff + op.spanB());
    float[] c = randoms(random, cOff + op.spanC() + 3);
    if (op.beta() == 0f) {
      for (int i = 0; i < op.m(); i++) {
        for (int j = 0; j < op.n(); j++) {
          c[cOff + i * op.ldc() + j] = Float.NaN;
        }
      }
    }
    float[] reference = c.clone();
    NaiveGemm.gemm(op, a, aOff, b, bOff, reference, cOff);
    float[] actual = c.clone();
    kernel.gemm(
        r0,
        r1,
        op.n(),
        op.k(),
        op.alpha(),
        MatrixView.a(op, a, aOff),
        MatrixView.b(op, b, bOff),
        op.beta(),
        MatrixView.c(op, actual, cOff));
    for (int idx = 0; idx < c.length; idx++) {
      int rel = idx - cOff;
      int row = rel >= 0 ? rel / op.ldc() : -1;
      int col = rel >= 0 ? rel % op.ldc() : -1;
      boolean inside = row >= r0 && row < r1 && col < op.n();
      float expected = inside ? reference[idx] : c[idx];
      float tolerance = inside ? 1e-4f * (op.k() + 1) + 1e-5f * Math.abs(expected) : 0f;
      if (!(Math.abs(actual[idx] - expected) <= tolerance)
          && !(Float.isNaN(expected) && Float.isNaN(actual[idx]))) {
        throw new AssertionError(
            kernel.name()
                + " "
                + op
                + " rows ["
                + r0
                + ", "
                + r1
                + "): C["
                + row
                + "]["
                + col
                + "] = "
                + actual[idx]
                + ", expected "
                + expected
                + (inside ? "" : " (outside the range: must be untouched)"));
      }
    }
  }

  static float[] randoms(Random random, int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) random.nextGaussian();
    }
    return v;
  }
}
