package io.vigil.engine.layer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.engine.tensor.Shape;
import io.vigil.engine.tensor.Tensor;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Forward values of the pooling, normalisation, activation and regularisation layers. */
class OtherLayersTest {

  /** 003: sigmoid(0) = 1/2, tanh(0) = 0, LeakyReLU keeps α·x for x < 0. */
  @Test
  void activationValues() {
    Shape s = new Shape(1, 1, 1, 3);
    float[] x = {-2, 0, 3};
    assertArrayEquals(
        new float[] {0.11920292f, 0.5f, 0.95257413f},
        new LayerHarness(new SigmoidSpec(), s).forward(x),
        1e-6f);
    assertArrayEquals(
        new float[] {-0.9640276f, 0f, 0.9950548f},
        new LayerHarness(new TanhSpec(), s).forward(x),
        1e-6f);
    assertArrayEquals(
        new float[] {-0.2f, 0f, 3f}, new LayerHarness(new LeakyReluSpec(0.1f), s).forward(x));
  }

  /** 003: softmax of (3, 1, −3) ≈ (0.88, 0.12, 0.00). */
  @Test
  void softmaxLayer() {
    float[] p =
        new LayerHarness(new SoftmaxSpec(), new Shape(1, 3, 1, 1)).forward(new float[] {3, 1, -3});
    assertArrayEquals(new float[] {0.8789f, 0.1189f, 0.0022f}, p, 1e-4f);
  }

  /** Overlapping 3×3 / 2 average pooling on a 5×5 ramp: the window means. */
  @Test
  void overlappingAveragePool() {
    float[] x = new float[25];
    for (int i = 0; i < 25; i++) {
      x[i] = i;
    }
    LayerHarness h = new LayerHarness(AvgPool2dSpec.of(3, 2), new Shape(1, 1, 5, 5));
    assertEquals(new Shape(1, 1, 2, 2), h.out);
    assertArrayEquals(new float[] {6, 8, 16, 18}, h.forward(x));
  }

  /** With padding the divisor stays kH·kW (PyTorch's count_include_pad=True). */
  @Test
  void paddedAveragePoolCountsPaddingCells() {
    LayerHarness h = new LayerHarness(new AvgPool2dSpec(2, 2, 2, 2, 1, 1), new Shape(1, 1, 2, 2));
    assertArrayEquals(new float[] {0.25f, 0.5f, 0.75f, 1f}, h.forward(new float[] {1, 2, 3, 4}));
  }

  @Test
  void l2PoolAndGlobalAveragePool() {
    float[] x = {3, 4, 0, 0, 1, 2, 2, 4};
    LayerHarness l2 = new LayerHarness(L2Pool2dSpec.of(2, 2), new Shape(1, 2, 2, 2));
    assertArrayEquals(new float[] {5, 5}, l2.forward(x));
    LayerHarness gap = new LayerHarness(new GlobalAvgPoolSpec(), new Shape(1, 2, 2, 2));
    assertEquals(new Shape(1, 2, 1, 1), gap.out);
    assertArrayEquals(new float[] {1.75f, 2.25f}, gap.forward(x));
  }

  @Test
  void poolWindowThatDoesNotTileIsRejected() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> AvgPool2dSpec.of(3, 2).outputShape("pool1", new Shape(1, 1, 6, 6)));
    assertTrue(e.getMessage().startsWith("pool1: height"), e.getMessage());
    assertTrue(e.getMessage().contains("not an integer"), e.getMessage());
  }

  /** AlexNet's LRN on one position: y_i = x_i / (2 + 1e−4 Σ_window x_j²)^0.75. */
  @Test
  void localResponseNormalisationAlexNetConstants() {
    float[] x = {10, 20, 30, 40, 50, 60, 70};
    float[] y = new LayerHarness(LrnSpec.alexNet(), new Shape(1, 7, 1, 1)).forward(x);
    for (int i = 0; i < 7; i++) {
      double sum = 0;
      for (int j = Math.max(0, i - 2); j <= Math.min(6, i + 2); j++) {
        sum += x[j] * x[j];
      }
      assertEquals(x[i] / Math.pow(2 + 1e-4 * sum, 0.75), y[i], 1e-4, "channel " + i);
    }
    // Channel 3 sums channels 1..5: 400 + 900 + 1600 + 2500 + 3600 = 9000.
    assertEquals(40 / Math.pow(2 + 1e-4 * 9000, 0.75), y[3], 1e-5);
  }

  @Test
  void batchNormRunningStatisticsMoveWithMomentumAndServeInference() {
    LayerHarness h = new LayerHarness(new BatchNormSpec(1e-5f, 0.5f), new Shape(4, 1, 1, 1));
    BatchNorm bn = (BatchNorm) h.layer;
    float[] y = h.forward(new float[] {1, 2, 3, 4}, true);
    // Batch mean 2.5, biased variance 1.25 → normalised values ±1.342, ±0.447.
    assertArrayEquals(new float[] {-1.3416f, -0.4472f, 0.4472f, 1.3416f}, y, 1e-3f);
    // running = 0.5·(0, 1) + 0.5·(2.5, 1.25·4/3)
    assertEquals(1.25f, LayerHarness.values(bn.runningMean())[0], 1e-6f);
    assertEquals(0.5f + 0.5f * 5f / 3f, LayerHarness.values(bn.runningVariance())[0], 1e-6f);
    float[] inference = h.forward(new float[] {1.25f, 2, 3, 4}, false);
    assertEquals(0f, inference[0], 1e-6f);
    // Inference leaves the running statistics alone.
    assertEquals(4f / 3f, LayerHarness.values(bn.runningVariance())[0], 1e-6f);
    assertEquals(1.25f, LayerHarness.values(bn.runningMean())[0], 1e-6f);
  }

  @Test
  void dropoutIsInvertedSeededAndOffAtInference() {
    Shape s = new Shape(4, 10, 5, 5);
    DropoutSpec spec = new DropoutSpec(0.4f);
    Layer layer = spec.create("drop", s, LayerHarness.BACKEND);
    Tensor in = LayerHarness.BACKEND.allocate(s);
    Tensor out = LayerHarness.BACKEND.allocate(s);
    LayerHarness.BACKEND.fill(in, 1f);
    Layer.Scratch a = layer.newScratch(4, 7);
    layer.forward(in, out, a, true);
    float[] y = LayerHarness.values(out);
    int kept = 0;
    for (float v : y) {
      assertTrue(v == 0f || Math.abs(v - 1f / 0.6f) < 1e-6f, "value " + v);
      kept += v != 0f ? 1 : 0;
    }
    // 1000 draws at keep probability 0.6: within 5 standard deviations (≈ 77) of 600.
    assertTrue(Math.abs(kept - 600) < 80, "kept " + kept);
    // Backward routes the gradient through the same mask.
    Tensor dIn = LayerHarness.BACKEND.allocate(s);
    layer.backward(in, out, in, dIn, a);
    assertArrayEquals(y, LayerHarness.values(dIn));
    // Same seed, same mask; another seed, another mask.
    layer.forward(in, out, layer.newScratch(4, 7), true);
    assertArrayEquals(y, LayerHarness.values(out));
    layer.forward(in, out, layer.newScratch(4, 8), true);
    assertNotEquals(
        java.util.Arrays.toString(y), java.util.Arrays.toString(LayerHarness.values(out)));
    layer.forward(in, out, a, false);
    assertArrayEquals(LayerHarness.values(in), LayerHarness.values(out));
  }

  /** CS231n: a locally-connected layer whose per-position weights are equal is a convolution. */
  @Test
  void locallyConnectedWithSharedWeightsEqualsConvolution() {
    Random random = new Random(3);
    Shape in = new Shape(2, 2, 5, 5);
    LayerHarness conv = new LayerHarness(Conv2dSpec.of(3, 3, 2, 1), in);
    conv.layer.initialise(random);
    Conv2d c = (Conv2d) conv.layer;
    conv.set(c.bias(), new float[] {0.1f, -0.2f, 0.3f});
    LayerHarness local = new LayerHarness(LocallyConnected2dSpec.of(3, 3, 2, 1), in);
    LocallyConnected2d l = (LocallyConnected2d) local.layer;
    assertEquals(new Shape(9, 3, 18, 1), l.weight().value().shape());
    float[] w = LayerHarness.values(c.weight().value());
    float[] lw = new float[9 * w.length];
    for (int q = 0; q < 9; q++) {
      System.arraycopy(w, 0, lw, q * w.length, w.length);
    }
    local.set(l.weight(), lw);
    float[] lb = new float[27];
    for (int k = 0; k < 3; k++) {
      java.util.Arrays.fill(lb, k * 9, k * 9 + 9, new float[] {0.1f, -0.2f, 0.3f}[k]);
    }
    local.set(l.bias(), lb);
    float[] x = new float[in.size()];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) random.nextGaussian();
    }
    assertArrayEquals(conv.forward(x), local.forward(x), 1e-5f);
    // 9 positions × 3 filters × 18 weights + 27 biases: no sharing.
    assertEquals(9 * 3 * 18 + 27, l.weight().value().size() + l.bias().value().size());
  }
}
