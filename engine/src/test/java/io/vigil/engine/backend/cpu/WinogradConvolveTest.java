package io.vigil.engine.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.engine.backend.AdamStep;
import io.vigil.engine.backend.ConvProduct;
import io.vigil.engine.backend.Epilogue;
import io.vigil.engine.backend.GemmOp;
import io.vigil.engine.backend.Window2d;
import io.vigil.engine.backend.WinogradUse;
import io.vigil.engine.tensor.Shape;
import io.vigil.engine.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Winograd F(2×2, 3×3) ({@link CpuWinograd}) against im2col and the reference GEMM, within 1e-4 of
 * the largest output: odd and tiny images, every padding up to 2, 1 and 3 channels, groups, batches
 * of 1 and 5, filter counts that are not multiples of the kernel's tile, both GEMM kernels, and 1
 * to 3 threads (which split the tiles over images, or the filters when tiles are few: most batch-1
 * cases here). Filters kept with the weights at inference are used until the weights change.
 */
class WinogradConvolveTest {

  private static final double TOLERANCE = 1e-4;

  /** One convolution: images, channels, height, width, padding, filters, groups. */
  record Case(int n, int c, int h, int w, int pad, int filters, int groups) {

    Window2d window() {
      return new Window2d(c, h, w, 3, 3, 1, 1, pad, pad, h + 2 * pad - 2, w + 2 * pad - 2);
    }

    GemmOp op() {
      Window2d win = window();
      int q = win.positions();
      int pg = win.patchSize() / groups;
      return GemmOp.of(false, false, filters / groups, q, pg, 1f, 0f)
          .batched(n, 0, win.patchSize() * q, filters * q);
    }
  }

  private static List<Case> awkwardCases() {
    List<Case> cases = new ArrayList<>();
    for (int n : new int[] {1, 5}) {
      for (int c : new int[] {1, 3}) {
        for (int[] hw : new int[][] {{1, 1}, {2, 2}, {3, 3}, {5, 7}, {7, 5}, {13, 13}, {8, 9}}) {
          for (int pad = 0; pad <= 2; pad++) {
            if (hw[0] + 2 * pad < 3 || hw[1] + 2 * pad < 3) {
              continue;
            }
            for (int filters : new int[] {1, 7, 13}) {
              cases.add(new Case(n, c, hw[0], hw[1], pad, filters, 1));
            }
          }
        }
      }
    }
    // Groups, and layers wide enough for several blocks per thread and blocks across images.
    cases.add(new Case(5, 4, 7, 6, 1, 6, 2));
    cases.add(new Case(1, 6, 9, 9, 1, 9, 3));
    cases.add(new Case(3, 4, 5, 5, 2, 10, 2));
    cases.add(new Case(5, 64, 9, 11, 1, 70, 1));
    cases.add(new Case(1, 48, 15, 13, 1, 37, 1));
    cases.add(new Case(3, 40, 11, 11, 0, 50, 2));
    cases.add(new Case(2, 20, 33, 31, 1, 19, 1));
    // Rows of more than one vector of tiles, whole and clipped.
    cases.add(new Case(2, 5, 9, 70, 1, 20, 1));
    cases.add(new Case(1, 17, 6, 64, 0, 33, 1));
    cases.add(new Case(3, 1, 40, 41, 2, 3, 1));
    return cases;
  }

  @Test
  void equalsIm2colOnAwkwardSizes() {
    List<GemmKernel> kernels = new ArrayList<>(List.of(ScalarGemm.INSTANCE));
    if (CpuGemm.vectorApiPresent()) {
      kernels.add(CpuGemm.kernel());
    }
    for (GemmKernel kernel : kernels) {
      for (int threads = 1; threads <= 3; threads++) {
        Parallel parallel = new Parallel(threads);
        CpuWinograd winograd = new CpuWinograd(kernel, parallel, WinogradUse.ALWAYS);
        long seed = 0;
        for (Case k : awkwardCases()) {
          String what = k + " with " + kernel.name() + " on " + threads + " threads";
          assertTrue(winograd.suits(k.window(), k.op(), k.groups(), k.n(), false), what);
          float[] x = random(k.n() * k.window().inPerImage(), ++seed);
          float[] weights = random(k.filters() * k.window().patchSize() / k.groups(), ++seed);
          float[] expected = reference(k, x, weights);
          // Garbage in the output and at the offsets: every value must be written, none outside.
          int off = 3;
          float[] xs = shifted(x, off);
          float[] ws = shifted(weights, off);
          float[] y = new float[expected.length + 2 * off];
          java.util.Arrays.fill(y, Float.NaN);
          float[] cols = new float[k.n() * k.window().colsPerImage() + 2 * off];
          GemmOp op = k.op();
          // Kept (a new array, as inference keeps them) on odd cases, scratch on even ones.
          CpuWinograd.Filters u =
              winograd.transform(
                  ws,
                  off,
                  op.m() * op.k(),
                  op,
                  k.groups(),
                  k.window().channels() / k.groups(),
                  seed % 4 == 1);
          winograd.convolve(
              xs, off, k.window(), op, k.groups(), u, y, off, op.m() * op.n(), k.n(), cols, off);
          assertAgrees(expected, java.util.Arrays.copyOfRange(y, off, off + expected.length), what);
          assertTrue(Float.isNaN(y[off - 1]) && Float.isNaN(y[off + expected.length]), what);
          assertArrayEquals(
              columns(k, x), java.util.Arrays.copyOfRange(cols, off, cols.length - off), what);
        }
      }
    }
  }

  @Test
  void backendTakesThePathKeepingTheColumnsOnlyForTraining() {
    CpuBackend backend = withSetting("always", () -> new CpuBackend(2));
    for (Case k : List.of(new Case(9, 4, 7, 6, 1, 6, 2), new Case(1, 16, 12, 10, 1, 24, 1))) {
      Window2d w = k.window();
      GemmOp op = k.op();
      int p = w.patchSize();
      int q = w.positions();
      float[] x = random(k.n() * w.inPerImage(), 11);
      float[] weights = random(k.filters() * p / k.groups(), 12);
      Tensor images = tensor(backend, new Shape(k.n(), k.c(), k.h(), k.w()), x);
      Tensor wt = tensor(backend, new Shape(1, 1, 1, weights.length), weights);
      Tensor cols = backend.allocate(new Shape(k.n(), p, w.outH(), w.outW()));
      Tensor out = backend.allocate(new Shape(k.n(), k.filters(), w.outH(), w.outW()));
      ConvProduct product =
          new ConvProduct(w, op, k.groups(), op.m() * op.k(), op.k() * q, op.m() * q);
      backend.convolve(images, product, cols, wt, out);
      assertAgrees(reference(k, x, weights), host(backend, out), k.toString());
      float[] expectedCols = new float[k.n() * w.colsPerImage()];
      for (int i = 0; i < k.n(); i++) {
        CpuWindowOps.im2col(x, i * w.inPerImage(), w, expectedCols, i * w.colsPerImage());
      }
      assertArrayEquals(expectedCols, host(backend, cols), "columns for the weight gradient");
      // Inference leaves the columns alone (the small grouped case goes to the direct kernel).
      Tensor untouched = backend.allocate(new Shape(k.n(), p, w.outH(), w.outW()));
      backend.fill(untouched, Float.NaN);
      Tensor inferred = backend.allocate(new Shape(k.n(), k.filters(), w.outH(), w.outW()));
      backend.convolveInference(images, product, untouched, wt, inferred, Epilogue.NONE);
      assertAgrees(reference(k, x, weights), host(backend, inferred), k + " inference");
      assertTrue(Float.isNaN(host(backend, untouched)[0]), "inference wrote the columns");
    }
  }

  @Test
  void autoKeepsIm2colForWindowsAndLayersItDoesNotSuit() {
    CpuWinograd auto = new CpuWinograd(CpuGemm.kernel(), new Parallel(2), WinogradUse.AUTO);
    CpuWinograd never = new CpuWinograd(CpuGemm.kernel(), new Parallel(2), WinogradUse.NEVER);
    Case wide = new Case(1, 64, 56, 56, 1, 64, 1);
    if (CpuGemm.vectorApiPresent()) {
      assertTrue(auto.suits(wide.window(), wide.op(), 1, 1, false));
    }
    assertFalse(never.suits(wide.window(), wide.op(), 1, 1, true));
    // ResNet-18's last stage at batch 1: 16 tiles repay the filter transform only when it is kept.
    Case late = new Case(1, 512, 7, 7, 1, 512, 1);
    assertFalse(auto.suits(late.window(), late.op(), 1, 1, false));
    assertEquals(CpuGemm.vectorApiPresent(), auto.suits(late.window(), late.op(), 1, 1, true));
    // Fewer than 32 filters, even with kept filters: im2col.
    Case narrow = new Case(1, 64, 28, 28, 1, 16, 1);
    assertFalse(auto.suits(narrow.window(), narrow.op(), 1, 1, true));
    // A 3-channel first layer, a stride of 2, a 5×5 kernel: im2col.
    Case rgb = new Case(1, 3, 56, 56, 1, 64, 1);
    assertFalse(auto.suits(rgb.window(), rgb.op(), 1, 1, true));
    Window2d strided = new Window2d(64, 56, 56, 3, 3, 2, 2, 1, 1, 28, 28);
    assertFalse(
        auto.suits(
            strided,
            GemmOp.of(false, false, 64, 784, 576, 1f, 0f).batched(1, 0, 0, 0),
            1,
            1,
            true));
    Window2d five = new Window2d(64, 28, 28, 5, 5, 1, 1, 2, 2, 28, 28);
    assertFalse(
        auto.suits(
            five, GemmOp.of(false, false, 64, 784, 1600, 1f, 0f).batched(1, 0, 0, 0), 1, 1, true));
  }

  @Test
  void inferenceKeepsTheTransformedFiltersUntilTheWeightsChange() {
    CpuBackend backend = withSetting("always", () -> new CpuBackend(2));
    Case k = new Case(1, 40, 9, 11, 1, 36, 1);
    Window2d w = k.window();
    GemmOp op = k.op();
    int q = w.positions();
    float[] x = random(w.inPerImage(), 21);
    float[] weights = random(k.filters() * w.patchSize(), 22);
    Tensor images = tensor(backend, new Shape(1, k.c(), k.h(), k.w()), x);
    Tensor wt = tensor(backend, new Shape(k.filters(), k.c(), 3, 3), weights);
    Tensor cols = backend.allocate(new Shape(1, w.patchSize(), w.outH(), w.outW()));
    Tensor out = backend.allocate(new Shape(1, k.filters(), w.outH(), w.outW()));
    ConvProduct product = new ConvProduct(w, op, 1, op.m() * op.k(), op.k() * q, op.m() * q);
    assertNull(wt.derived(), "nothing kept before the first inference");
    backend.convolveInference(images, product, cols, wt, out, Epilogue.NONE);
    Object kept = wt.derived();
    assertNotNull(kept, "inference keeps the transformed filters");
    backend.convolveInference(images, product, cols, wt, out, Epilogue.NONE);
    assertSame(kept, wt.derived(), "the second call reuses them");
    // Training transforms into scratch and keeps nothing new.
    backend.convolve(images, product, cols, wt, out);
    assertSame(kept, wt.derived());

    // Every op that writes weights drops what was kept; inference then sees the new weights.
    Tensor other = tensor(backend, wt.shape(), random(weights.length, 23));
    List<java.util.function.Consumer<Tensor>> writes =
        List.of(
            t -> backend.upload(random(t.size(), 24), 0, t, 0, t.size()),
            t -> backend.axpy(0.5f, other, t),
            t -> backend.scale(t, -2f),
            t -> backend.copy(other, t),
            t -> backend.multiply(t, other, t),
            t -> backend.fill(t, 0.25f),
            t ->
                backend.adamUpdate(
                    t,
                    other,
                    backend.allocate(t.shape()),
                    backend.allocate(t.shape()),
                    AdamStep.at(1, 0.1f, 0.9f, 0.999f, 1e-8f, 0f)));
    for (int i = 0; i < writes.size(); i++) {
      long version = wt.version();
      writes.get(i).accept(wt);
      assertTrue(wt.version() > version, "write " + i + " bumps the version");
      assertNull(wt.derived(), "write " + i + " drops the kept filters");
      backend.convolveInference(images, product, cols, wt, out, Epilogue.NONE);
      assertAgrees(
          reference(k, x, host(backend, wt)), host(backend, out), "inference after write " + i);
    }
  }

  @Test
  void unknownSettingNamesTheKnownOnes() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> WinogradUse.parse("maybe", CpuWinograd.PROPERTY));
    assertTrue(e.getMessage().contains("auto, true, false, always"), e.getMessage());
    assertEquals(WinogradUse.NEVER, WinogradUse.parse(" FALSE ", CpuWinograd.PROPERTY));
  }

  /** im2col of every image. */
  private static float[] columns(Case k, float[] x) {
    Window2d w = k.window();
    float[] cols = new float[k.n() * w.colsPerImage()];
    for (int i = 0; i < k.n(); i++) {
      CpuWindowOps.im2col(x, i * w.inPerImage(), w, cols, i * w.colsPerImage());
    }
    return cols;
  }

  /** im2col of every image, then the reference GEMM per group. */
  private static float[] reference(Case k, float[] x, float[] weights) {
    Window2d w = k.window();
    GemmOp op = k.op();
    float[] cols = columns(k, x);
    float[] y = new float[k.n() * k.filters() * w.positions()];
    for (int j = 0; j < k.groups(); j++) {
      NaiveGemm.gemm(
          op, weights, j * op.m() * op.k(), cols, j * op.k() * op.n(), y, j * op.m() * op.n());
    }
    return y;
  }

  static void assertAgrees(float[] expected, float[] actual, String what) {
    assertEquals(expected.length, actual.length, what + ": length");
    double scale = 0;
    for (float e : expected) {
      scale = Math.max(scale, Math.abs(e));
    }
    for (int i = 0; i < expected.length; i++) {
      double tol = TOLERANCE * Math.max(Math.abs(expected[i]), scale);
      if (!(Math.abs(expected[i] - actual[i]) <= tol)) {
        throw new AssertionError(
            what + "[" + i + "]: " + actual[i] + ", expected " + expected[i] + " (±" + tol + ")");
      }
    }
  }

  /** Runs {@code make} with {@value CpuWinograd#PROPERTY} set to {@code setting}. */
  static <T> T withSetting(String setting, java.util.function.Supplier<T> make) {
    String previous = System.getProperty(CpuWinograd.PROPERTY);
    System.setProperty(CpuWinograd.PROPERTY, setting);
    try {
      return make.get();
    } finally {
      if (previous == null) {
        System.clearProperty(CpuWinograd.PROPERTY);
      } else {
        System.setProperty(CpuWinograd.PROPERTY, previous);
      }
    }
  }

  private static float[] random(int size, long seed) {
    Random random = new Random(seed);
    float[] v = new float[size];
    for (int i = 0; i < size; i++) {
      v[i] = (float) random.nextGaussian();
    }
    return v;
  }

  private static float[] shifted(float[] v, int off) {
    float[] s = new float[v.length + 2 * off];
    java.util.Arrays.fill(s, Float.NaN);
    System.arraycopy(v, 0, s, off, v.length);
    return s;
  }

  private static Tensor tensor(CpuBackend backend, Shape shape, float[] v) {
    Tensor t = backend.allocate(shape);
    backend.upload(v, 0, t, 0, v.length);
    return t;
  }

  private static float[] host(CpuBackend backend, Tensor t) {
    float[] v = new float[t.size()];
    backend.download(t, 0, v, 0, v.length);
    return v;
  }
}
