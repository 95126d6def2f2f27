package io.vigil.engine.layer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.engine.loss.SoftmaxCrossEntropy;
import io.vigil.engine.tensor.Shape;
import io.vigil.engine.tensor.Tensor;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Backward of every layer and of the loss against central finite differences (Caffe's
 * GradientChecker): for {@code L = Σ r ⊙ f(x)} with a fixed random {@code r}, {@code ∂L/∂x} and
 * {@code ∂L/∂θ} from backward must match {@code (L(x + h) − L(x − h)) / 2h}. Layers compute in
 * float32, so the step is 1e−2 and the tolerance relative 2% (plus 2e−3 absolute). Inputs are
 * spaced away from the kinks of ReLU and max.
 */
class GradientCheckTest {

  private static final float STEP = 1e-2f;
  private static final long SEED = 20261123L;

  @Test
  void conv2dStridedPaddedNonSquare() {
    check(new Conv2dSpec(3, 3, 2, 2, 1, 1, 0), new Shape(2, 2, 5, 4), false);
  }

  @Test
  void conv2dSamePadding() {
    check(Conv2dSpec.of(2, 3, 1, 1), new Shape(3, 1, 4, 4), false);
  }

  @Test
  void linear() {
    check(new LinearSpec(5), new Shape(3, 2, 2, 2), false);
  }

  @Test
  void relu() {
    check(new ReluSpec(), new Shape(2, 2, 3, 3), true);
  }

  @Test
  void maxPoolOverlappingWindows() {
    check(MaxPool2dSpec.of(3, 2), new Shape(2, 2, 5, 5), true);
  }

  @Test
  void maxPoolPadded() {
    check(new MaxPool2dSpec(2, 2, 2, 2, 1, 1), new Shape(1, 2, 4, 4), true);
  }

  @Test
  void flatten() {
    check(new FlattenSpec(), new Shape(2, 3, 2, 2), false);
  }

  static void check(LayerSpec spec, Shape in, boolean kinked) {
    Random random = new Random(SEED);
    LayerHarness h = new LayerHarness(spec, in);
    h.layer.initialise(random);
    for (Parameter p : h.layer.parameters()) {
      // Non-zero biases too, so their gradient path is exercised.
      float[] v = LayerHarness.BACKEND.data(p.value());
      for (int i = 0; i < v.length; i++) {
        v[i] += (float) (0.1 * random.nextGaussian());
      }
    }
    float[] x = kinked ? spacedValues(in.size(), random) : gaussian(in.size(), random);
    float[] r = gaussian(h.out.size(), random);
    h.forward(x);
    float[] dx = h.backward(r);

    for (int i = 0; i < x.length; i++) {
      float saved = x[i];
      x[i] = saved + STEP;
      double plus = dot(r, h.forward(x));
      x[i] = saved - STEP;
      double minus = dot(r, h.forward(x));
      x[i] = saved;
      assertClose((plus - minus) / (2 * STEP), dx[i], spec + " dx[" + i + "]");
    }
    h.forward(x);
    for (Parameter p : h.layer.parameters()) {
      float[] value = LayerHarness.BACKEND.data(p.value());
      float[] grad = LayerHarness.BACKEND.data(p.grad()).clone();
      for (int i = 0; i < value.length; i++) {
        float saved = value[i];
        value[i] = saved + STEP;
        double plus = dot(r, h.forward(x));
        value[i] = saved - STEP;
        double minus = dot(r, h.forward(x));
        value[i] = saved;
        assertClose((plus - minus) / (2 * STEP), grad[i], p.name() + "[" + i + "]");
      }
      // Backward accumulates: a second pass doubles the gradient.
      h.forward(x);
      h.backward(r);
      float[] twice = LayerHarness.BACKEND.data(p.grad());
      for (int i = 0; i < grad.length; i++) {
        assertEquals(2 * grad[i], twice[i], 1e-4f * (1 + Math.abs(grad[i])), p.name() + " += ");
      }
      // Back to one pass's gradients for every parameter before checking the next.
      for (Parameter q : h.layer.parameters()) {
        LayerHarness.BACKEND.fill(q.grad(), 0f);
      }
      h.forward(x);
      h.backward(r);
    }
  }

  @Test
  void softmaxCrossEntropy() {
    Random random = new Random(SEED);
    int n = 4;
    int classes = 7;
    Shape shape = new Shape(n, classes, 1, 1);
    Tensor logits = LayerHarness.BACKEND.allocate(shape);
    Tensor dLogits = LayerHarness.BACKEND.allocate(shape);
    float[] z = gaussian(n * classes, random);
    int[] labels = {0, 6, 3, 3};
    SoftmaxCrossEntropy loss = new SoftmaxCrossEntropy(LayerHarness.BACKEND, classes, n);
    LayerHarness.BACKEND.upload(z, 0, logits, 0, z.length);
    double value = loss.forward(logits, labels);
    assertTrue(value > 0 && Double.isFinite(value), "loss " + value);
    loss.backward(dLogits);
    float[] analytic = LayerHarness.BACKEND.data(dLogits).clone();
    double h = 1e-3;
    for (int i = 0; i < z.length; i++) {
      float saved = z[i];
      z[i] = (float) (saved + h);
      double plus = lossOf(z, labels, classes);
      z[i] = (float) (saved - h);
      double minus = lossOf(z, labels, classes);
      z[i] = saved;
      assertEquals((plus - minus) / (2 * h), analytic[i], 1e-3, "dL/dz[" + i + "]");
    }
    assertEquals(lossOf(z, labels, classes), value, 1e-5);
  }

  /** Mean cross-entropy of softmax in double precision, the reference. */
  private static double lossOf(float[] z, int[] labels, int classes) {
    double total = 0;
    for (int i = 0; i < labels.length; i++) {
      double max = Double.NEGATIVE_INFINITY;
      for (int j = 0; j < classes; j++) {
        max = Math.max(max, z[i * classes + j]);
      }
      double sum = 0;
      for (int j = 0; j < classes; j++) {
        sum += Math.exp(z[i * classes + j] - max);
      }
      total -= z[i * classes + labels[i]] - max - Math.log(sum);
    }
    return total / labels.length;
  }

  private static void assertClose(double numeric, double analytic, String what) {
    double tolerance = 2e-3 + 0.02 * Math.abs(numeric);
    if (Math.abs(numeric - analytic) > tolerance) {
      throw new AssertionError(
          what + ": backward gives " + analytic + ", finite differences " + numeric);
    }
  }

  private static double dot(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += (double) a[i] * b[i];
    }
    return s;
  }

  private static float[] gaussian(int n, Random random) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) random.nextGaussian();
    }
    return v;
  }

  /**
   * Distinct values at least 0.1 apart, none within 0.05 of zero: a step of 0.01 never crosses
   * ReLU's kink nor changes which input wins a max window.
   */
  private static float[] spacedValues(int n, Random random) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (i - n / 2) * 0.1f + 0.05f;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      float t = v[i];
      v[i] = v[j];
      v[j] = t;
    }
    return v;
  }
}
