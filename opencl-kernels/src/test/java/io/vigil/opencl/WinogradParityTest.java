package io.vigil.opencl;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.vigil.engine.backend.ActivationKind;
import io.vigil.engine.backend.Backend;
import io.vigil.engine.backend.ConvProduct;
import io.vigil.engine.backend.Epilogue;
import io.vigil.engine.backend.GemmOp;
import io.vigil.engine.backend.Normalisation;
import io.vigil.engine.backend.Window2d;
import io.vigil.engine.backend.WinogradUse;
import io.vigil.engine.layer.BatchNormSpec;
import io.vigil.engine.layer.Conv2dSpec;
import io.vigil.engine.layer.GlobalAvgPoolSpec;
import io.vigil.engine.layer.LinearSpec;
import io.vigil.engine.layer.Parameter;
import io.vigil.engine.layer.ReluSpec;
import io.vigil.engine.loss.SoftmaxCrossEntropy;
import io.vigil.engine.network.Network;
import io.vigil.engine.network.NetworkExecutor;
import io.vigil.engine.tensor.Shape;
import io.vigil.engine.tensor.Tensor;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The OpenCL inference convolution by Winograd's F(2×2, 3×3) ({@link ClWinograd}) equals the CPU
 * backend's convolution and epilogue within 1e-4 of the largest output (the transforms round
 * differently from a direct sum): odd and tiny planes, padding 0 to 2, batch 1 and more, channel
 * and filter counts that are not multiples of the GEMM's blocks, groups, and tile ranges that end
 * inside an image. The filters it keeps on the device are reused until the weights change and
 * transformed again after.
 */
class WinogradParityTest {

  private static final double TOLERANCE = 1e-4;

  private static final float ALPHA = 0.13f;

  /** One convolution: images, channels, height, width, padding, filters, groups. */
  private record Case(int n, int c, int h, int w, int pad, int filters, int groups) {

    Window2d window() {
      return new Window2d(c, h, w, 3, 3, 1, 1, pad, pad, h + 2 * pad - 2, w + 2 * pad - 2);
    }

    ConvProduct product() {
      Window2d win = window();
      int q = win.positions();
      int kg = filters / groups;
      int pg = win.patchSize() / groups;
      GemmOp op =
          GemmOp.of(false, false, kg, q, pg, 1f, 0f)
              .batched(n, 0, win.patchSize() * q, filters * q);
      return new ConvProduct(win, op, groups, kg * pg, pg * q, kg * q);
    }

    Shape outShape() {
      Window2d win = window();
      return new Shape(n, filters, win.outH(), win.outW());
    }
  }

  /** The CPU's convolution then epilogue: the reference. */
  private static float[] expected(Case k, Twin x, Twin weights, Epilogue e) {
    Window2d win = k.window();
    Tensor cols = Twin.CPU.allocate(new Shape(k.n(), win.patchSize(), win.outH(), win.outW()));
    Tensor y = Twin.CPU.allocate(k.outShape());
    Twin.CPU.convolve(x.cpu, k.product(), cols, weights.cpu, y);
    Twin.CPU.applyEpilogue(y, e);
    float[] v = new float[y.size()];
    Twin.CPU.download(y, 0, v, 0, v.length);
    return v;
  }

  private static float[] values(Tensor t) {
    float[] v = new float[t.size()];
    Twin.CL.download(t, 0, v, 0, v.length);
    return v;
  }

  /** Fails naming the first value further than {@link #TOLERANCE} of the largest from expected. */
  private static void assertClose(String what, float[] expected, float[] actual) {
    double largest = 0;
    for (float e : expected) {
      largest = Math.max(largest, Math.abs(e));
    }
    for (int i = 0; i < expected.length; i++) {
      if (!(Math.abs(actual[i] - expected[i]) <= TOLERANCE * largest)) {
        fail(
            String.format(
                "%s: value %d of %d is %.9g on OpenCL, %.9g on the CPU (largest %.3g)",
                what, i, expected.length, actual[i], expected[i], largest));
      }
    }
  }

  /**
   * n, channels, height, width, padding, filters, groups, tiles per range (0: the backend's own
   * range), bias, activation (- for none).
   */
  @ParameterizedTest(name = "n={0} c={1} {2}×{3} p={4} f={5} g={6} range={7} {9}")
  @CsvSource({
    // ResNet-18's 7 × 7 and 14 × 14 stages, narrowed; one tile range and several.
    "1,64,7,7,1,64,1,0,true,RELU",
    "2,64,14,14,1,64,1,0,false,-",
    "3,32,14,14,1,32,1,48,true,RELU",
    // VGG's widening layer, odd planes, channels and filters off the GEMM's blocks.
    "2,32,12,12,1,64,1,0,true,RELU",
    "3,33,13,11,1,35,1,40,true,LEAKY_RELU",
    "1,17,9,10,0,19,1,0,false,TANH",
    "2,5,5,7,2,7,1,16,true,SIGMOID",
    // Groups, one pixel, one output row.
    "2,8,9,9,1,10,2,16,true,RELU",
    "3,12,6,5,1,9,3,0,false,-",
    "1,1,1,1,1,1,1,0,true,-",
    "2,3,3,17,0,4,1,0,false,RELU",
  })
  void equalsTheCpuConvolution(
      int n,
      int c,
      int h,
      int w,
      int pad,
      int filters,
      int groups,
      int rangeTiles,
      boolean withBias,
      String activation) {
    Case k = new Case(n, c, h, w, pad, filters, groups);
    int rangeFloats =
        rangeTiles == 0
            ? ClWinograd.RANGE_FLOATS
            : 16 * (c / groups + filters / groups) * rangeTiles;
    ClWinograd winograd = Twin.CL.winograd(WinogradUse.ALWAYS, rangeFloats);
    ConvProduct p = k.product();
    assertTrue(winograd.suits(p, n), "Winograd computes " + k);
    Twin x = Twin.random(new Shape(n, c, h, w), 7L * c + h);
    Twin weights = Twin.random(new Shape(filters, p.op().k(), 1, 1), 11L * filters + w);
    Twin bias = Twin.random(new Shape(1, filters, 1, 1), 13);
    ActivationKind kind = activation.equals("-") ? null : ActivationKind.valueOf(activation);
    // The output starts as garbage: every value must be written.
    Twin y = Twin.random(k.outShape(), 17);
    synchronized (Twin.CL) {
      winograd.run(
          x.cl, p, weights.cl, y.cl, new Epilogue(withBias ? bias.cl : null, kind, ALPHA), n);
    }
    float[] expected =
        expected(k, x, weights, new Epilogue(withBias ? bias.cpu : null, kind, ALPHA));
    assertClose("Winograd " + k, expected, values(y.cl));
  }

  @Test
  void theBackendTakesItForResNetLayersWithBatchNorm() {
    for (Case k :
        new Case[] {new Case(1, 128, 7, 7, 1, 130, 1), new Case(2, 256, 9, 9, 1, 128, 1)}) {
      assertTrue(Twin.CL.takesWinograd(k.product(), k.n()), "auto takes " + k);
      int filters = k.filters();
      Twin x = Twin.random(new Shape(k.n(), k.c(), k.h(), k.w()), 3);
      Twin weights = Twin.random(new Shape(filters, k.c() * 9, 1, 1), 5);
      Twin mean = Twin.random(new Shape(1, filters, 1, 1), 9);
      Twin variance = Twin.random(new Shape(1, filters, 1, 1), 11);
      Twin.CPU.activation(ActivationKind.SIGMOID, 0f, variance.cpu, variance.cpu);
      Twin.CL.activation(ActivationKind.SIGMOID, 0f, variance.cl, variance.cl);
      Twin gamma = Twin.random(new Shape(1, filters, 1, 1), 13);
      Twin beta = Twin.random(new Shape(1, filters, 1, 1), 15);
      Tensor y = Twin.CL.allocate(k.outShape());
      Twin.CL.convolveInference(
          x.cl,
          k.product(),
          null,
          weights.cl,
          y,
          Epilogue.bias(null)
              .normalised(new Normalisation(mean.cl, variance.cl, 1e-5f, gamma.cl, beta.cl))
              .then(ActivationKind.RELU, 0f));
      Epilogue reference =
          Epilogue.bias(null)
              .normalised(new Normalisation(mean.cpu, variance.cpu, 1e-5f, gamma.cpu, beta.cpu))
              .then(ActivationKind.RELU, 0f);
      assertClose("ResNet layer " + k, expected(k, x, weights, reference), values(y));
    }
  }

  @Test
  void keptFiltersAreReusedUntilTheWeightsChange() {
    Case k = new Case(2, 130, 9, 11, 1, 128, 1);
    ConvProduct p = k.product();
    assertTrue(Twin.CL.takesWinograd(p, k.n()), "auto takes " + k);
    Twin x = Twin.random(new Shape(k.n(), k.c(), k.h(), k.w()), 21);
    Twin weights = Twin.random(new Shape(k.filters(), k.c() * 9, 1, 1), 23);
    Tensor y = Twin.CL.allocate(k.outShape());

    Twin.CL.convolveInference(x.cl, p, null, weights.cl, y, Epilogue.NONE);
    Tensor kept = assertInstanceOf(Tensor.class, weights.cl.derived(), "filters kept");
    Twin.CL.convolveInference(x.cl, p, null, weights.cl, y, Epilogue.NONE);
    assertSame(kept, weights.cl.derived(), "the second call reuses the kept filters");
    assertClose("first weights", expected(k, x, weights, Epilogue.NONE), values(y));

    // A step as the optimizers take it: the weights change on the device, in place.
    Twin step = Twin.random(weights.shape(), 29);
    Twin.CPU.axpy(-0.5f, step.cpu, weights.cpu);
    Twin.CL.axpy(-0.5f, step.cl, weights.cl);
    assertNull(weights.cl.derived(), "the change drops the kept filters");
    float[] before = values(y);
    Twin.CL.convolveInference(x.cl, p, null, weights.cl, y, Epilogue.NONE);
    assertNotSame(kept, weights.cl.derived(), "transformed again");
    float[] after = values(y);
    assertClose("updated weights", expected(k, x, weights, Epilogue.NONE), after);
    assertFalse(Arrays.equals(before, after), "the update changed the output");
  }

  private static final int BATCH = 3;

  /**
   * Two 3×3 layers wide enough for {@code auto} (40 → 36 on an odd 11 × 9 plane, padding 1; 36 → 33
   * unpadded), the first with a batch norm in its epilogue.
   */
  private static Network network(Backend backend) {
    return Network.builder(3, 11, 9)
        .add("c1", Conv2dSpec.of(130, 3, 1, 1))
        .add("r1", new ReluSpec())
        .add("c2", Conv2dSpec.of(128, 3, 1, 1))
        .add("bn2", BatchNormSpec.defaults())
        .add("r2", new ReluSpec())
        .add("c3", Conv2dSpec.of(129, 3, 1, 0))
        .add("gap", new GlobalAvgPoolSpec())
        .add("fc", new LinearSpec(4))
        .optBackend(backend)
        .optSeed(5)
        .build();
  }

  private static float[] values(Backend b, Tensor t) {
    float[] v = new float[t.size()];
    b.download(t, 0, v, 0, v.length);
    return v;
  }

  /** The logits of inference, of inference after one SGD step, and c2's weights as inferred. */
  private record Run(float[] before, float[] after, Object keptBefore, Object keptAfter) {}

  private static Run trainBetweenInferences(Backend b, float[] input, int[] labels) {
    Network net = network(b);
    NetworkExecutor exec = net.newExecutor(BATCH, true);
    Tensor x = b.allocate(net.inputShape().withBatch(BATCH));
    b.upload(input, 0, x, 0, input.length);
    Tensor c2 =
        net.parameters().stream()
            .filter(p -> p.name().equals("c2.weight"))
            .findFirst()
            .orElseThrow()
            .value();
    float[] before = values(b, exec.forward(x, false));
    Object keptBefore = c2.derived();
    // A training step: forward, loss, backward, and the update as SGD makes it (axpy).
    Tensor logits = exec.forward(x, true);
    SoftmaxCrossEntropy loss = new SoftmaxCrossEntropy(b, 4, BATCH);
    loss.forward(logits, labels);
    Tensor dLogits = b.allocate(logits.shape());
    loss.backward(dLogits);
    exec.backward(dLogits);
    for (Parameter p : net.parameters()) {
      b.axpy(-0.5f, p.grad(), p.value());
    }
    float[] after = values(b, exec.forward(x, false));
    return new Run(before, after, keptBefore, c2.derived());
  }

  @Test
  void inferenceAfterATrainingStepMatchesTheCpu() {
    float[] input = Twin.values(BATCH * 3 * 11 * 9, 31);
    int[] labels = {0, 2, 1};
    Run cpu = trainBetweenInferences(Twin.CPU, input, labels);
    Run cl = trainBetweenInferences(Twin.CL, input, labels);
    assertInstanceOf(Tensor.class, cl.keptBefore(), "inference kept c2's filters on the device");
    assertInstanceOf(Tensor.class, cl.keptAfter(), "and again after the step");
    assertNotSame(cl.keptBefore(), cl.keptAfter(), "the step's update replaced them");
    assertClose("logits before the step", cpu.before(), cl.before());
    assertClose("logits after the step", cpu.after(), cl.after());
    assertFalse(Arrays.equals(cl.before(), cl.after()), "the step changed the logits");
  }
}
