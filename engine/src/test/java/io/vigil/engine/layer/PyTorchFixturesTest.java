package io.vigil.engine.layer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.engine.loss.SoftmaxCrossEntropy;
import io.vigil.engine.network.Network;
import io.vigil.engine.tensor.Shape;
import io.vigil.engine.tensor.Tensor;
import io.vigil.engine.zoo.LeNet5;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * vigil against PyTorch: each case loads a fixture written by {@code
 * engine/src/test/python/make_fixtures.py} (inputs, weights, PyTorch's outputs and the gradients of
 * {@code Σ dy ⊙ y}) from {@code src/test/resources/fixtures/} and checks forward values and
 * gradients. Agreement means {@code |vigil − torch| ≤ 1e−4 · max(|torch|, max |tensor|)}: relative
 * to the value, or to the tensor's scale for values near zero.
 */
class PyTorchFixturesTest {

  private static final double TOLERANCE = 1e-4;

  /** One fixture file: named tensors with shapes. */
  private record Fixture(String name, JsonNode params, JsonNode tensors) {

    float[] data(String tensor) {
      JsonNode node = tensors.get(tensor);
      assertNotNull(node, name + " has no tensor " + tensor);
      JsonNode data = node.get("data");
      float[] v = new float[data.size()];
      for (int i = 0; i < v.length; i++) {
        v[i] = (float) data.get(i).asDouble();
      }
      return v;
    }

    Shape shape(String tensor) {
      JsonNode s = tensors.get(tensor).get("shape");
      int[] d = {1, 1, 1, 1};
      for (int i = 0; i < s.size(); i++) {
        d[i] = s.get(i).asInt();
      }
      return new Shape(d[0], d[1], d[2], d[3]);
    }

    int param(String key, int index) {
      JsonNode p = params.get(key);
      return p.isArray() ? p.get(index).asInt() : p.asInt();
    }
  }

  private static Fixture load(String name) throws IOException {
    try (InputStream in =
        PyTorchFixturesTest.class.getResourceAsStream("/fixtures/" + name + ".json")) {
      assertNotNull(in, "fixture " + name + " is missing");
      JsonNode root = new ObjectMapper().readTree(in);
      return new Fixture(name, root.get("params"), root.get("tensors"));
    }
  }

  static void assertAgrees(float[] expected, float[] actual, String what) {
    assertEquals(expected.length, actual.length, what + ": length");
    double scale = 0;
    for (float e : expected) {
      scale = Math.max(scale, Math.abs(e));
    }
    for (int i = 0; i < expected.length; i++) {
      double tol = TOLERANCE * Math.max(Math.abs(expected[i]), scale);
      if (Math.abs(expected[i] - actual[i]) > tol) {
        throw new AssertionError(
            what
                + "["
                + i
                + "]: vigil "
                + actual[i]
                + ", PyTorch "
                + expected[i]
                + " (±"
                + tol
                + ")");
      }
    }
  }

  /** Forward and backward of a layer against y, dx and the parameter gradients. */
  private static LayerHarness runLayer(
      Fixture f, LayerSpec spec, List<String> paramNames, boolean training) {
    LayerHarness h = new LayerHarness(spec, f.shape("x"));
    for (int i = 0; i < paramNames.size(); i++) {
      h.set(h.layer.parameters().get(i), f.data(paramNames.get(i)));
    }
    assertEquals(f.shape("y").perImage(), h.out.perImage(), f.name + ": output shape");
    assertAgrees(f.data("y"), h.forward(f.data("x"), training), f.name + " y");
    assertAgrees(f.data("dx"), h.backward(f.data("dy")), f.name + " dx");
    for (int i = 0; i < paramNames.size(); i++) {
      assertAgrees(
          f.data("d" + paramNames.get(i)),
          LayerHarness.values(h.layer.parameters().get(i).grad()),
          f.name + " d" + paramNames.get(i));
    }
    return h;
  }

  private static void conv(String name) throws IOException {
    Fixture f = load(name);
    Conv2dSpec spec =
        new Conv2dSpec(
            f.param("filters", 0),
            f.param("kernel", 0),
            f.param("kernel", 1),
            f.param("stride", 0),
            f.param("stride", 1),
            f.param("padding", 0),
            f.param("padding", 1),
            f.param("dilation", 0),
            f.param("dilation", 1),
            f.param("groups", 0),
            true);
    runLayer(f, spec, List.of("weight", "bias"), true);
  }

  @Test
  void convolutionWithStrideAndPaddingPerAxis() throws IOException {
    conv("conv_stride_pad");
  }

  @Test
  void dilatedConvolution() throws IOException {
    conv("conv_dilation");
  }

  @Test
  void groupedConvolution() throws IOException {
    conv("conv_groups");
  }

  @Test
  void transposedConvolution() throws IOException {
    Fixture f = load("conv_transpose");
    ConvTranspose2dSpec spec = new ConvTranspose2dSpec(2, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, true);
    runLayer(f, spec, List.of("weight", "bias"), true);
  }

  @Test
  void overlappingMaxPool() throws IOException {
    runLayer(load("maxpool_overlapping"), MaxPool2dSpec.of(3, 2), List.of(), true);
  }

  @Test
  void overlappingPaddedAveragePoolCountsPadding() throws IOException {
    runLayer(
        load("avgpool_overlapping_padded"), new AvgPool2dSpec(3, 3, 2, 2, 1, 1), List.of(), true);
  }

  @Test
  void overlappingL2Pool() throws IOException {
    runLayer(load("l2pool_overlapping"), L2Pool2dSpec.of(3, 2), List.of(), true);
  }

  @Test
  void localResponseNormalisation() throws IOException {
    runLayer(load("lrn"), new LrnSpec(5, 0.1f, 0.75f, 2f), List.of(), true);
  }

  @Test
  void activations() throws IOException {
    runLayer(load("leaky_relu"), new LeakyReluSpec(0.1f), List.of(), true);
    runLayer(load("sigmoid"), new SigmoidSpec(), List.of(), true);
    runLayer(load("tanh"), new TanhSpec(), List.of(), true);
    runLayer(load("softmax"), new SoftmaxSpec(), List.of(), true);
  }

  @Test
  void batchNormTrainingUsesBatchStatisticsAndMovesRunningOnes() throws IOException {
    Fixture f = load("batchnorm_train");
    BatchNormSpec spec = new BatchNormSpec(1e-5f, 0.1f);
    LayerHarness h = new LayerHarness(spec, f.shape("x"));
    BatchNorm bn = (BatchNorm) h.layer;
    h.set(bn.gamma(), f.data("gamma"));
    h.set(bn.beta(), f.data("beta"));
    float[] rm = f.data("running_mean_before");
    float[] rv = f.data("running_var_before");
    LayerHarness.BACKEND.upload(rm, 0, bn.runningMean(), 0, rm.length);
    LayerHarness.BACKEND.upload(rv, 0, bn.runningVariance(), 0, rv.length);
    assertAgrees(f.data("y"), h.forward(f.data("x"), true), "batch norm y");
    assertAgrees(f.data("running_mean_after"), LayerHarness.values(bn.runningMean()), "mean");
    assertAgrees(f.data("running_var_after"), LayerHarness.values(bn.runningVariance()), "var");
    assertAgrees(f.data("dx"), h.backward(f.data("dy")), "batch norm dx");
    assertAgrees(f.data("dgamma"), LayerHarness.values(bn.gamma().grad()), "dgamma");
    assertAgrees(f.data("dbeta"), LayerHarness.values(bn.beta().grad()), "dbeta");
  }

  @Test
  void batchNormInferenceUsesRunningStatistics() throws IOException {
    Fixture f = load("batchnorm_eval");
    LayerHarness h = new LayerHarness(BatchNormSpec.defaults(), f.shape("x"));
    BatchNorm bn = (BatchNorm) h.layer;
    h.set(bn.gamma(), f.data("gamma"));
    h.set(bn.beta(), f.data("beta"));
    float[] rm = f.data("running_mean");
    float[] rv = f.data("running_var");
    LayerHarness.BACKEND.upload(rm, 0, bn.runningMean(), 0, rm.length);
    LayerHarness.BACKEND.upload(rv, 0, bn.runningVariance(), 0, rv.length);
    assertAgrees(f.data("y"), h.forward(f.data("x"), false), "batch norm eval y");
    assertAgrees(rm, LayerHarness.values(bn.runningMean()), "running mean unchanged");
    assertAgrees(f.data("dx"), h.backward(f.data("dy")), "batch norm eval dx");
    assertAgrees(f.data("dgamma"), LayerHarness.values(bn.gamma().grad()), "eval dgamma");
    assertAgrees(f.data("dbeta"), LayerHarness.values(bn.beta().grad()), "eval dbeta");
  }

  @Test
  void softmaxCrossEntropy() throws IOException {
    Fixture f = load("softmax_cross_entropy");
    Shape shape = f.shape("logits");
    Shape s = new Shape(shape.n(), shape.c(), 1, 1);
    Tensor logits = LayerHarness.BACKEND.allocate(s);
    Tensor dLogits = LayerHarness.BACKEND.allocate(s);
    float[] z = f.data("logits");
    LayerHarness.BACKEND.upload(z, 0, logits, 0, z.length);
    SoftmaxCrossEntropy loss = new SoftmaxCrossEntropy(LayerHarness.BACKEND, s.c(), s.n());
    int[] labels = new int[s.n()];
    for (int i = 0; i < labels.length; i++) {
      labels[i] = f.params.get("labels").get(i).asInt();
    }
    float value = (float) loss.forward(logits, labels);
    loss.backward(dLogits);
    assertAgrees(f.data("loss"), new float[] {value}, "loss");
    assertAgrees(f.data("dlogits"), LayerHarness.values(dLogits), "dlogits");
  }

  /**
   * The whole LeNet-5 of {@link LeNet5} on two images with weights both sides compute from a
   * formula: logits, loss, and every parameter gradient (its first 40 values, its sum and the sum
   * of its absolute values).
   */
  @Test
  void wholeLeNet5() throws IOException {
    Fixture f = load("lenet5");
    Network net = LeNet5.create(0);
    List<Parameter> params = net.parameters();
    for (int k = 0; k < params.size(); k++) {
      Shape s = params.get(k).value().shape();
      boolean bias = s.n() == 1 && s.h() == 1 && s.w() == 1;
      double scale = bias ? 0.1 : 1.0 / Math.sqrt((double) s.c() * s.h() * s.w());
      float[] v = new float[s.size()];
      for (int i = 0; i < v.length; i++) {
        v[i] = (float) (Math.sin(0.7 * i + 1.3 * k) * scale);
      }
      net.backend().upload(v, 0, params.get(k).value(), 0, v.length);
    }
    Shape in = f.shape("x");
    Tensor x = net.backend().allocate(in);
    float[] xv = f.data("x");
    net.backend().upload(xv, 0, x, 0, xv.length);
    Tensor logits = net.forward(x, true);
    float[] out = new float[logits.size()];
    net.backend().download(logits, 0, out, 0, out.length);
    assertAgrees(f.data("logits"), out, "LeNet-5 logits");
    SoftmaxCrossEntropy loss = new SoftmaxCrossEntropy(net.backend(), 10, in.n());
    int[] labels = {f.params.get("labels").get(0).asInt(), f.params.get("labels").get(1).asInt()};
    float value = (float) loss.forward(logits, labels);
    assertAgrees(f.data("loss"), new float[] {value}, "LeNet-5 loss");
    Tensor dLogits = net.backend().allocate(logits.shape());
    loss.backward(dLogits);
    net.zeroGradients();
    net.backward(dLogits);
    for (Parameter p : params) {
      float[] g = new float[p.grad().size()];
      net.backend().download(p.grad(), 0, g, 0, g.length);
      float[] head = new float[Math.min(40, g.length)];
      System.arraycopy(g, 0, head, 0, head.length);
      assertAgrees(f.data("grad_head." + p.name()), head, p.name() + " gradient");
      double sum = 0;
      double abs = 0;
      for (float v : g) {
        sum += v;
        abs += Math.abs(v);
      }
      float expectedAbs = f.data("grad_abs_sum." + p.name())[0];
      assertEquals(expectedAbs, abs, TOLERANCE * expectedAbs, p.name() + " Σ|grad|");
      assertEquals(
          f.data("grad_sum." + p.name())[0], sum, TOLERANCE * expectedAbs, p.name() + " Σ");
    }
  }
}
