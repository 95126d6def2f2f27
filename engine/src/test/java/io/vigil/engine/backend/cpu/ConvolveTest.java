package io.vigil.engine.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.engine.backend.ActivationKind;
import io.vigil.engine.backend.ConvProduct;
import io.vigil.engine.backend.Epilogue;
import io.vigil.engine.backend.GemmOp;
import io.vigil.engine.backend.Window2d;
import io.vigil.engine.tensor.Shape;
import io.vigil.engine.tensor.Tensor;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The CPU backend's per-image convolution gives exactly what im2col then the batched GEMM give, and
 * its per-image input gradient exactly what the batched GEMM then col2im give.
 */
class ConvolveTest {

  @Test
  void perImageUnfoldAndProductEqualsTheBatchedSteps() {
    CpuBackend backend = new CpuBackend(2);
    // 9 images of 4 channels 7×6, 2 groups of 3 filters 3×3, stride 1, pad 1: 42 positions.
    int n = 9;
    int channels = 4;
    int groups = 2;
    int filters = 6;
    Window2d w = new Window2d(channels, 7, 6, 3, 3, 1, 1, 1, 1, 7, 6);
    int p = w.patchSize();
    int q = w.positions();
    int kg = filters / groups;
    int pg = p / groups;
    GemmOp op = GemmOp.of(false, false, kg, q, pg, 1f, 0f).batched(n, 0, p * q, filters * q);
    Tensor images = random(backend, new Shape(n, channels, 7, 6), 1);
    Tensor weights = random(backend, new Shape(1, 1, 1, filters * pg), 2);

    Tensor colsA = backend.allocate(new Shape(n, p, 7, 6));
    Tensor outA = backend.allocate(new Shape(n, filters, 7, 6));
    backend.im2col(images, w, colsA);
    for (int j = 0; j < groups; j++) {
      backend.gemm(op, weights, j * kg * pg, colsA, j * pg * q, outA, j * kg * q, null);
    }

    Tensor colsB = backend.allocate(new Shape(n, p, 7, 6));
    Tensor outB = backend.allocate(new Shape(n, filters, 7, 6));
    backend.convolve(
        images, new ConvProduct(w, op, groups, kg * pg, pg * q, kg * q), colsB, weights, outB);

    assertArrayEquals(host(backend, outA), host(backend, outB));
    // The columns stay for the weight gradient.
    assertArrayEquals(host(backend, colsA), host(backend, colsB));
  }

  @Test
  void perImageInputGradientEqualsTheBatchedSteps() {
    CpuBackend backend = new CpuBackend(2);
    // 9 images of 4 channels 7×6, 2 groups of 3 filters 3×3, stride 2, pad 1: 4×3 positions.
    int n = 9;
    int channels = 4;
    int groups = 2;
    int filters = 6;
    Window2d w = new Window2d(channels, 7, 6, 3, 3, 2, 2, 1, 1, 4, 3);
    int p = w.patchSize();
    int q = w.positions();
    int kg = filters / groups;
    int pg = p / groups;
    GemmOp op = GemmOp.of(true, false, pg, q, kg, 1f, 0f).batched(n, 0, filters * q, p * q);
    Tensor dOut = random(backend, new Shape(n, filters, 4, 3), 3);
    Tensor weights = random(backend, new Shape(1, 1, 1, filters * pg), 4);

    Tensor colsA = backend.allocate(new Shape(n, p, 4, 3));
    Tensor dInA = random(backend, new Shape(n, channels, 7, 6), 5);
    for (int j = 0; j < groups; j++) {
      backend.gemm(op, weights, j * kg * pg, dOut, j * kg * q, colsA, j * pg * q, null);
    }
    backend.col2im(colsA, w, dInA);

    Tensor colsB = backend.allocate(new Shape(n, p, 4, 3));
    // Whatever dIn held before is overwritten.
    Tensor dInB = random(backend, new Shape(n, channels, 7, 6), 6);
    backend.convolveBackwardInput(
        dOut, new ConvProduct(w, op, groups, kg * pg, pg * q, kg * q), colsB, weights, dInB);

    assertArrayEquals(host(backend, dInA), host(backend, dInB));
  }

  @Test
  void inferenceConvolutionWithoutColumnsAgreesWithTheUnfoldedOne() {
    // LeNet-5's two layers (padded 1-channel 5×5, unpadded 6-channel 5×5), a grouped 3×3 with
    // padding 2, and a 1×3 kernel: the direct form where it applies, the same values to rounding.
    assertNotNull(DirectConvolution.chosen(), "the tests run with the Vector API");
    CpuBackend backend = new CpuBackend(2);
    assertInferenceMatches(backend, 7, 1, 28, 28, 6, 5, 5, 2, 2, 1, null, 0f, true);
    assertInferenceMatches(backend, 5, 6, 14, 14, 16, 5, 5, 0, 0, 1, null, 0f, false);
    assertInferenceMatches(backend, 3, 4, 9, 11, 6, 3, 3, 2, 2, 2, null, 0f, false);
    assertInferenceMatches(backend, 1, 3, 5, 40, 5, 1, 3, 0, 1, 1, null, 0f, false);
  }

  @Test
  void inferenceConvolutionAppliesItsEpilogueOnEveryPath() {
    // The direct form (5×5 kernels, one image or several), and im2col + GEMM (a 7×7 kernel over 5
    // channels has too many taps for the direct form): bias, then the activation.
    CpuBackend backend = new CpuBackend(2);
    assertInferenceMatches(backend, 7, 1, 28, 28, 6, 5, 5, 2, 2, 1, ActivationKind.RELU, 0f, true);
    assertInferenceMatches(
        backend, 3, 6, 14, 13, 16, 5, 5, 0, 0, 2, ActivationKind.LEAKY_RELU, 0.1f, true);
    assertInferenceMatches(
        backend, 2, 5, 17, 11, 7, 7, 7, 3, 3, 1, ActivationKind.SIGMOID, 0f, true);
    assertInferenceMatches(backend, 1, 4, 9, 9, 3, 3, 3, 1, 1, 1, ActivationKind.TANH, 0f, false);
    assertInferenceMatches(backend, 1, 4, 9, 9, 3, 3, 3, 1, 1, 1, ActivationKind.RELU, 0f, true);
  }

  private static void assertInferenceMatches(
      CpuBackend backend,
      int n,
      int channels,
      int h,
      int w,
      int filters,
      int kh,
      int kw,
      int padH,
      int padW,
      int groups,
      ActivationKind activation,
      float alpha,
      boolean withBias) {
    int outH = h + 2 * padH - kh + 1;
    int outW = w + 2 * padW - kw + 1;
    Window2d g = new Window2d(channels, h, w, kh, kw, 1, 1, padH, padW, outH, outW);
    int p = g.patchSize();
    int q = g.positions();
    int kg = filters / groups;
    int pg = p / groups;
    GemmOp op = GemmOp.of(false, false, kg, q, pg, 1f, 0f).batched(n, 0, p * q, filters * q);
    Tensor images = random(backend, new Shape(n, channels, h, w), 7);
    Tensor weights = random(backend, new Shape(1, 1, 1, filters * pg), 8);
    Tensor cols = backend.allocate(new Shape(n, p, outH, outW));
    Tensor unfolded = backend.allocate(new Shape(n, filters, outH, outW));
    ConvProduct product = new ConvProduct(g, op, groups, kg * pg, pg * q, kg * q);
    backend.convolve(images, product, cols, weights, unfolded);
    Tensor direct = random(backend, new Shape(n, filters, outH, outW), 9);
    Tensor bias = withBias ? random(backend, new Shape(1, filters, 1, 1), 10) : null;
    Epilogue epilogue = Epilogue.bias(bias);
    if (activation != null) {
      epilogue = epilogue.then(activation, alpha);
    }
    backend.convolveInference(images, product, cols, weights, direct, epilogue);
    float[] expected = host(backend, unfolded);
    float[] b = withBias ? host(backend, bias) : new float[filters];
    for (int i = 0; i < expected.length; i++) {
      expected[i] = activate(activation, alpha, expected[i] + b[i / q % filters]);
    }
    float[] actual = host(backend, direct);
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], actual[i], 1e-5f * (1 + Math.abs(expected[i])), g + " at " + i);
    }
  }

  @Test
  void inferenceInColumnBlocksEqualsTheWholeUnfold() {
    // One thread: three blocks are enough to take the path.
    CpuBackend backend = new CpuBackend(1);
    // Shapes whose columns exceed two blocks, so that inference takes them a block at a time.
    // ResNet's first layer's form on an odd size: 7×7 stride 2 pad 3 over 3 channels, 59×51 out.
    assertBlocksMatch(backend, 1, 3, 117, 101, 10, 7, 7, 2, 2, 3, 3, 1, 1);
    // AlexNet's: 11×11 stride 4, padding 2.
    assertBlocksMatch(backend, 2, 3, 147, 141, 5, 11, 11, 4, 4, 2, 2, 1, 1);
    // Two groups, dilation 2, three images (stride 1: no phases).
    assertBlocksMatch(backend, 3, 4, 119, 97, 6, 3, 3, 1, 1, 2, 2, 2, 2);
    // Unequal strides, kernel sides and padding, and a block size that does not divide the rows.
    assertBlocksMatch(backend, 2, 5, 190, 130, 9, 5, 4, 3, 2, 1, 2, 1, 1);
  }

  /**
   * Inference a block of output rows at a time gives bit for bit what the training forward gives
   * from the whole image's columns: the same products over the same sums, only fewer columns each.
   */
  private static void assertBlocksMatch(
      CpuBackend backend,
      int n,
      int channels,
      int h,
      int w,
      int filters,
      int kh,
      int kw,
      int strideH,
      int strideW,
      int padH,
      int padW,
      int dilation,
      int groups) {
    int effH = (kh - 1) * dilation + 1;
    int effW = (kw - 1) * dilation + 1;
    int outH = (h + 2 * padH - effH) / strideH + 1;
    int outW = (w + 2 * padW - effW) / strideW + 1;
    Window2d g =
        new Window2d(
            channels, h, w, kh, kw, strideH, strideW, padH, padW, dilation, dilation, outH, outW);
    int p = g.patchSize();
    int q = g.positions();
    int kg = filters / groups;
    int pg = p / groups;
    GemmOp op = GemmOp.of(false, false, kg, q, pg, 1f, 0f).batched(n, 0, p * q, filters * q);
    ConvProduct product = new ConvProduct(g, op, groups, kg * pg, pg * q, kg * q);
    assertTrue(CpuConvolution.inBlocks(product, n, 1), g + " is unfolded in blocks at inference");
    Tensor images = random(backend, new Shape(n, channels, h, w), 11);
    Tensor weights = random(backend, new Shape(1, 1, 1, filters * pg), 12);
    Tensor cols = backend.allocate(new Shape(n, p, outH, outW));
    Tensor whole = backend.allocate(new Shape(n, filters, outH, outW));
    backend.convolve(images, product, cols, weights, whole);
    Tensor blocks = random(backend, new Shape(n, filters, outH, outW), 13);
    backend.convolveInference(images, product, cols, weights, blocks, Epilogue.NONE);
    assertArrayEquals(host(backend, whole), host(backend, blocks), g.toString());
  }

  /** The activations' formulas, written out here so that the check does not use the backend. */
  private static float activate(ActivationKind kind, float alpha, float x) {
    if (kind == null) {
      return x;
    }
    return switch (kind) {
      case RELU -> Math.max(0f, x);
      case LEAKY_RELU -> x > 0f ? x : alpha * x;
      case SIGMOID -> (float) (1.0 / (1.0 + Math.exp(-x)));
      case TANH -> (float) Math.tanh(x);
    };
  }

  private static Tensor random(CpuBackend backend, Shape shape, long seed) {
    Random random = new Random(seed);
    float[] v = new float[shape.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) random.nextGaussian();
    }
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
