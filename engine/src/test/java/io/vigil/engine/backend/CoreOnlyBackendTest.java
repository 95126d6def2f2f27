package io.vigil.engine.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.engine.backend.cpu.CpuBackend;
import io.vigil.engine.layer.Parameter;
import io.vigil.engine.network.Network;
import io.vigil.engine.tensor.IntTensor;
import io.vigil.engine.tensor.Shape;
import io.vigil.engine.tensor.Tensor;
import io.vigil.engine.zoo.ModelZoo;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A backend with only the core ops runs every zoo network, and a training step of networks with
 * batch norm and LRN, to the CPU backend's results: what the optional ops' defaults compose from
 * the core equals what the CPU backend's own kernels compute.
 *
 * <p>Tolerance: {@value #TOLERANCE} of the largest magnitude of each compared tensor. The two paths
 * differ in summation order only (the CPU backend's Winograd and direct convolutions and fused
 * epilogues against im2col, GEMM and one op at a time).
 */
class CoreOnlyBackendTest {

  private static final double TOLERANCE = 1e-3;
  private static final int CLASSES = 10;
  private static final long SEED = 11;

  static Stream<String> zoo() {
    return ModelZoo.entries().stream().map(ModelZoo.Entry::name);
  }

  @ParameterizedTest
  @MethodSource("zoo")
  void inferenceAgreesWithTheCpuBackend(String model) {
    // Batch 2 where images are small; one 224 × 224 image is work enough for the large networks.
    int batch = ModelZoo.get(model).input().height() <= 32 ? 2 : 1;
    float[] expected = logits(model, new CpuBackend(2), batch);
    float[] actual = logits(model, new CoreOnlyBackend(), batch);
    assertAgrees(expected, actual, model + " logits");
  }

  @ParameterizedTest
  @ValueSource(strings = {"lenet5", "vgg-small", "alexnet"})
  void trainingStepAgreesWithTheCpuBackend(String model) {
    // vgg-small has batch norm and dropout, AlexNet LRN, grouped convolutions and overlapping
    // pools.
    CpuBackend cpu = new CpuBackend(2);
    CoreOnlyBackend core = new CoreOnlyBackend();
    Network onCpu = ModelZoo.get(model).create(SEED, CLASSES, cpu);
    Network onCore = ModelZoo.get(model).create(SEED, CLASSES, core);
    double cpuLoss = backward(onCpu, 2);
    double coreLoss = backward(onCore, 2);
    assertEquals(cpuLoss, coreLoss, TOLERANCE * Math.abs(cpuLoss), model + " loss");
    List<Parameter> expected = onCpu.parameters();
    List<Parameter> actual = onCore.parameters();
    for (int i = 0; i < expected.size(); i++) {
      float[] g = host(expected.get(i).grad());
      // A bias that feeds a batch norm is cancelled by it: its gradient is rounding noise.
      if (largest(g) > 1e-6) {
        assertAgrees(g, host(actual.get(i).grad()), model + " gradient of " + expected.get(i));
      }
    }
    // The optimizer step from the same gradients on both: the CPU's, uploaded into the core's.
    AdamStep step = AdamStep.at(1, 1e-3f, 0.9f, 0.999f, 1e-8f, 1e-4f);
    for (int i = 0; i < expected.size(); i++) {
      Parameter e = expected.get(i);
      Parameter a = actual.get(i);
      float[] g = host(e.grad());
      a.grad().owner().upload(g, 0, a.grad(), 0, g.length);
      adam(e, step);
      adam(a, step);
      assertAgrees(host(e.value()), host(a.value()), model + " Adam step of " + e);
    }
  }

  @Test
  void theChecksOfTheContractGuardABackendThatMakesNone() {
    CoreOnlyBackend core = new CoreOnlyBackend();
    Tensor small = core.allocate(new Shape(1, 1, 1, 15));
    Tensor ok = core.allocate(new Shape(1, 1, 1, 16));
    GemmOp op = GemmOp.of(false, false, 4, 4, 4, 1f, 0f);
    IllegalArgumentException gemm =
        assertThrows(
            IllegalArgumentException.class, () -> core.gemm(op, small, 0, ok, 0, ok, 0, null));
    assertTrue(gemm.getMessage().startsWith("gemm A: needs 16 floats"), gemm.getMessage());
    // An optional op, which this backend leaves to its default, is checked the same way.
    Lrn lrn = new Lrn(5, 1e-4f, 0.75f, 2f);
    IllegalArgumentException lrnError =
        assertThrows(IllegalArgumentException.class, () -> core.lrnForward(ok, lrn, small, ok));
    assertTrue(
        lrnError.getMessage().startsWith("lrn: tensors differ in size"), lrnError.getMessage());
  }

  private static void adam(Parameter p, AdamStep step) {
    Backend backend = p.value().owner();
    Tensor m = backend.allocate(p.value().shape());
    Tensor v = backend.allocate(p.value().shape());
    backend.fill(m, 0.01f);
    backend.fill(v, 0.02f);
    backend.adamUpdate(p.value(), p.grad(), m, v, step);
  }

  private static float[] logits(String model, Backend backend, int batch) {
    Network network = ModelZoo.get(model).create(SEED, CLASSES, backend);
    return host(network.newExecutor(batch, false).forward(input(network, batch), false));
  }

  /** Forward, softmax cross-entropy and backward of one batch; the summed loss. */
  private static double backward(Network network, int batch) {
    Backend backend = network.backend();
    network.zeroGradients();
    Tensor logits = network.forward(input(network, batch), true);
    Tensor probs = backend.allocate(logits.shape());
    backend.softmax(logits, probs);
    IntTensor labels = backend.allocateInts(batch);
    int[] y = new int[batch];
    for (int i = 0; i < batch; i++) {
      y[i] = (3 * i + 1) % CLASSES;
    }
    backend.uploadInts(y, 0, labels, batch);
    double loss = backend.crossEntropySum(probs, labels);
    Tensor dLogits = backend.allocate(logits.shape());
    backend.softmaxCrossEntropyBackward(probs, labels, 1f / batch, dLogits);
    network.backward(dLogits);
    return loss;
  }

  private static Tensor input(Network network, int batch) {
    Backend backend = network.backend();
    Tensor t = backend.allocate(network.inputShape().withBatch(batch));
    float[] v = new float[t.size()];
    Random random = new Random(batch);
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) random.nextGaussian();
    }
    backend.upload(v, 0, t, 0, v.length);
    return t;
  }

  private static float[] host(Tensor t) {
    float[] v = new float[t.size()];
    t.owner().download(t, 0, v, 0, v.length);
    return v;
  }

  private static double largest(float[] v) {
    double max = 0;
    for (float x : v) {
      max = Math.max(max, Math.abs(x));
    }
    return max;
  }

  private static void assertAgrees(float[] expected, float[] actual, String what) {
    assertEquals(expected.length, actual.length, what + ": length");
    double scale = largest(expected);
    assertTrue(scale > 0, what + ": all zero, nothing compared");
    for (int i = 0; i < expected.length; i++) {
      if (!(Math.abs(expected[i] - actual[i]) <= TOLERANCE * scale)) {
        throw new AssertionError(
            what
                + "["
                + i
                + "]: "
                + actual[i]
                + ", expected "
                + expected[i]
                + " (±"
                + TOLERANCE * scale
                + ")");
      }
    }
  }
}
