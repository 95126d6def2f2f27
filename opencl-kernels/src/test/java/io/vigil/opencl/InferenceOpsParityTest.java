package io.vigil.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.vigil.engine.backend.ActivationKind;
import io.vigil.engine.backend.ConvProduct;
import io.vigil.engine.backend.Epilogue;
import io.vigil.engine.backend.GemmOp;
import io.vigil.engine.backend.Normalisation;
import io.vigil.engine.backend.Window2d;
import io.vigil.engine.tensor.IntTensor;
import io.vigil.engine.tensor.Shape;
import io.vigil.engine.tensor.Tensor;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The inference ops of the OpenCL backend equal their plain definitions on the CPU: the fused
 * epilogue ({@code addChannelBias} then {@code activation}), the inference convolution ({@code
 * convolve} then the epilogue) on its direct path and on its fallback, and max pooling without
 * switches ({@code maxPoolForward}'s values), at awkward sizes.
 */
class InferenceOpsParityTest {

  private static final float ALPHA = 0.13f;

  static Stream<Arguments> epilogues() {
    Stream.Builder<Arguments> cases = Stream.builder();
    for (Shape shape :
        new Shape[] {new Shape(3, 5, 7, 11), new Shape(1, 1, 1, 1), new Shape(4, 7, 1, 1)}) {
      for (boolean bias : new boolean[] {false, true}) {
        cases.add(Arguments.of(shape, bias, null));
        for (ActivationKind kind : ActivationKind.values()) {
          cases.add(Arguments.of(shape, bias, kind));
        }
      }
    }
    return cases.build();
  }

  @ParameterizedTest(name = "{0} bias={1} {2}")
  @MethodSource("epilogues")
  void epilogueEqualsBiasThenActivation(Shape shape, boolean withBias, ActivationKind kind) {
    // A view 3 values into its buffer: the kernel must honour the offset and stay inside.
    Twin t = Twin.offsetView(shape, 3, shape.size() + 1);
    float[] before = t.clValues();
    Twin bias = Twin.offsetView(new Shape(1, shape.c(), 1, 1), 2, 41);
    // The reference on the CPU: the two ops, one after the other.
    Twin expected = Twin.offsetView(shape, 3, shape.size() + 1);
    if (withBias) {
      Twin.CPU.addChannelBias(expected.cpu, bias.cpu);
    }
    if (kind != null) {
      Twin.CPU.activation(kind, ALPHA, expected.cpu, expected.cpu);
    }
    Epilogue e = new Epilogue(withBias ? bias.cl : null, kind, ALPHA);
    Twin.CL.applyEpilogue(t.cl, e);
    Twin.assertClose("epilogue " + e, expected.cpuValues(), t.clValues());
    // One value may well be a fixed point of the activation; many random values in [-1, 1) are not.
    if ((withBias || kind != null) && shape.size() > 1) {
      assertFalse(Arrays.equals(before, t.clValues()), "the epilogue changed nothing");
    }
    // The values around the view are untouched.
    float[] whole = new float[shape.size() + 6];
    Twin.CL.download(
        new Tensor(Twin.CL, new Shape(1, whole.length, 1, 1), t.cl.storage(), 0),
        0,
        whole,
        0,
        whole.length);
    float[] original = Twin.values(shape.size() + 6, shape.size() + 1);
    assertEquals(original[2], whole[2], "value before the view");
    assertEquals(original[shape.size() + 3], whole[shape.size() + 3], "value after the view");
  }

  /**
   * n, channels, height, width, filters, kernel, stride, padding, dilation, groups, bias,
   * activation (- for none), and whether the direct kernel takes it.
   */
  @ParameterizedTest(name = "n={0} c={1} {2}×{3} f={4} k={5} s={6} p={7} d={8} g={9} {11}")
  @CsvSource({
    // LeNet-5's two convolutions.
    "1,1,28,28,6,5,1,2,1,1,true,RELU,true",
    "3,6,14,14,16,5,1,0,1,1,true,RELU,true",
    // Odd and prime sizes, partial vector chunks, one output column, stride 2, dilation.
    "2,3,13,17,5,3,1,1,1,1,true,LEAKY_RELU,true",
    "1,1,1,1,1,1,1,0,1,1,false,-,true",
    "3,2,7,5,7,3,2,1,1,1,true,SIGMOID,true",
    "2,2,9,9,3,3,1,2,2,1,false,TANH,true",
    "1,4,11,7,6,3,2,0,1,2,true,RELU,true",
    "2,3,10,37,4,5,1,2,1,1,true,-,true",
    "1,3,23,23,16,7,2,3,1,1,false,RELU,true",
    // Grouped with one filter per group, and a 1×1 convolution.
    "2,6,5,6,6,3,1,1,1,6,true,RELU,true",
    "2,8,6,5,17,1,1,0,1,1,true,-,true",
    // Too many taps per filter for the direct kernel: im2col, GEMM and the epilogue.
    "2,20,9,8,10,3,1,1,1,1,true,RELU,false",
    "1,40,5,5,4,3,2,1,1,2,false,TANH,false",
  })
  void inferenceConvolutionEqualsConvolveThenEpilogue(
      int n,
      int c,
      int h,
      int w,
      int filters,
      int k,
      int s,
      int p,
      int d,
      int groups,
      boolean withBias,
      String activation,
      boolean direct) {
    Window2d win = WindowParityTest.window(c, h, w, k, s, p, d, false);
    int kg = filters / groups;
    int pg = win.patchSize() / groups;
    int q = win.positions();
    GemmOp op =
        GemmOp.of(false, false, kg, q, pg, 1f, 0f).batched(n, 0, win.patchSize() * q, filters * q);
    ConvProduct product = new ConvProduct(win, op, groups, kg * pg, pg * q, kg * q);
    assertEquals(
        direct,
        ClDirectConv.suits(product, n, Twin.CL.cl().tuning("CONV_VW")),
        "which path the case exercises");
    Twin x = Twin.random(new Shape(n, c, h, w), 7L * c + h);
    Twin weights = Twin.random(new Shape(filters, pg, 1, 1), 11L * k + filters);
    Twin bias = Twin.random(new Shape(1, filters, 1, 1), 13);
    Twin cols = Twin.zeros(new Shape(n, win.patchSize(), win.outH(), win.outW()));
    Twin y = Twin.random(new Shape(n, filters, win.outH(), win.outW()), 17);
    ActivationKind kind = activation.equals("-") ? null : ActivationKind.valueOf(activation);

    Twin.CPU.convolve(x.cpu, product, cols.cpu, weights.cpu, y.cpu);
    Twin.CPU.applyEpilogue(y.cpu, new Epilogue(withBias ? bias.cpu : null, kind, ALPHA));
    Twin.CL.convolveInference(
        x.cl,
        product,
        cols.cl,
        weights.cl,
        y.cl,
        new Epilogue(withBias ? bias.cl : null, kind, ALPHA));
    y.assertClose("inference convolution " + win + " groups " + groups);
  }

  @Test
  void epilogueWithBatchNormEqualsTheOpsInTurn() {
    // A convolution of LeNet's size through the direct kernel, then bias, batch norm and ReLU:
    // the OpenCL backend applies the normalisation apart from its epilogue kernel.
    Window2d win = new Window2d(3, 9, 11, 3, 3, 1, 1, 1, 1, 9, 11);
    int n = 2;
    int filters = 5;
    int q = win.positions();
    GemmOp op =
        GemmOp.of(false, false, filters, q, win.patchSize(), 1f, 0f)
            .batched(n, 0, win.patchSize() * q, filters * q);
    Twin x = Twin.random(new Shape(n, 3, 9, 11), 3);
    Twin weights = Twin.random(new Shape(filters, win.patchSize(), 1, 1), 5);
    Twin bias = Twin.random(new Shape(1, filters, 1, 1), 7);
    Twin mean = Twin.random(new Shape(1, filters, 1, 1), 9);
    Twin variance = Twin.random(new Shape(1, filters, 1, 1), 11);
    Twin.CPU.activation(ActivationKind.SIGMOID, 0f, variance.cpu, variance.cpu);
    Twin.CL.activation(ActivationKind.SIGMOID, 0f, variance.cl, variance.cl);
    Twin gamma = Twin.random(new Shape(1, filters, 1, 1), 13);
    Twin beta = Twin.random(new Shape(1, filters, 1, 1), 15);
    Twin cols = Twin.zeros(new Shape(n, win.patchSize(), win.outH(), win.outW()));
    Twin y = Twin.random(new Shape(n, filters, win.outH(), win.outW()), 17);

    ConvProduct product = new ConvProduct(win, op, 1, filters * win.patchSize(), 0, 0);
    Twin.CPU.convolve(x.cpu, product, cols.cpu, weights.cpu, y.cpu);
    Twin.CPU.addChannelBias(y.cpu, bias.cpu);
    Twin.CPU.batchNormForward(y.cpu, mean.cpu, variance.cpu, 1e-5f, gamma.cpu, beta.cpu, y.cpu);
    Twin.CPU.activation(ActivationKind.RELU, 0f, y.cpu, y.cpu);
    Normalisation norm = new Normalisation(mean.cl, variance.cl, 1e-5f, gamma.cl, beta.cl);
    Twin.CL.convolveInference(
        x.cl,
        product,
        cols.cl,
        weights.cl,
        y.cl,
        Epilogue.bias(bias.cl).normalised(norm).then(ActivationKind.RELU, 0f));
    y.assertClose("convolution with bias, batch norm and ReLU");
  }

  @ParameterizedTest(name = "n={0} c={1} {2}×{3} k={4} s={5} p={6} ceil={7}")
  @CsvSource({
    "3,6,28,28,2,2,0,false",
    "1,1,1,1,1,1,0,false",
    "3,2,7,5,2,2,0,true",
    "2,3,13,11,3,2,1,false",
    "2,2,9,10,3,1,1,false",
    "1,3,6,7,3,2,0,true",
  })
  void maxPoolValuesEqualMaxPoolForward(
      int n, int c, int h, int w, int k, int s, int p, boolean ceil) {
    Window2d win = WindowParityTest.window(c, h, w, k, s, p, 1, ceil);
    Shape out = new Shape(n, c, win.outH(), win.outW());
    Twin x = Twin.random(new Shape(n, c, h, w), h * 17L + w);
    Twin y = Twin.random(out, 3);
    float[] before = y.clValues();
    IntTensor cpuSwitches = Twin.CPU.allocateInts(out.size());
    IntTensor clSwitches = Twin.CL.allocateInts(out.size());
    Twin.CPU.maxPoolForward(x.cpu, win, y.cpu, cpuSwitches);
    Twin.CL.maxPoolValues(x.cl, win, y.cl, clSwitches);
    y.assertClose("max pool values " + win);
    assertNotEquals(Arrays.toString(before), Arrays.toString(y.clValues()), "nothing written");
  }
}
