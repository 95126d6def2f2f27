package io.vigil.engine.network;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vigil.engine.backend.Backend;
import io.vigil.engine.backend.CoreOnlyBackend;
import io.vigil.engine.backend.cpu.CpuBackend;
import io.vigil.engine.layer.AddSpec;
import io.vigil.engine.layer.BatchNormSpec;
import io.vigil.engine.layer.Conv2dSpec;
import io.vigil.engine.layer.DropoutSpec;
import io.vigil.engine.layer.FlattenSpec;
import io.vigil.engine.layer.LeakyReluSpec;
import io.vigil.engine.layer.LinearSpec;
import io.vigil.engine.layer.MaxPool2dSpec;
import io.vigil.engine.layer.Padding;
import io.vigil.engine.layer.Parameter;
import io.vigil.engine.layer.ReluSpec;
import io.vigil.engine.layer.SigmoidSpec;
import io.vigil.engine.layer.TanhSpec;
import io.vigil.engine.summary.MemoryFootprint;
import io.vigil.engine.summary.NetworkSummary;
import io.vigil.engine.tensor.Shape;
import io.vigil.engine.tensor.Tensor;
import io.vigil.engine.zoo.LeNet5;
import java.util.Arrays;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Inference executors fold an activation into the convolution or fully connected layer before it;
 * the values must be those of the layers run one by one, and only where nothing else reads the
 * product before its activation.
 */
class InferenceFusionTest {

  private static final CpuBackend BACKEND = new CpuBackend(2);

  /** Every kind of activation after a convolution or a linear layer, and one that cannot fold. */
  private static Network mixed() {
    return Network.builder(3, 11, 11)
        .add("conv1", Conv2dSpec.of(5, 3, 1, Padding.SAME))
        .add("leaky", new LeakyReluSpec(0.1f))
        .add("conv2", Conv2dSpec.of(4, 3, 2, 1).withoutBias())
        .add("tanh", new TanhSpec())
        .add("pool", new MaxPool2dSpec(2, 2, 2, 2, 0, 0))
        .add("conv3", Conv2dSpec.of(4, 1, 1, 0))
        .add("relu_a", new ReluSpec())
        .add("relu_b", new ReluSpec(), "conv3")
        .add("flatten", new FlattenSpec(), "relu_b")
        .add("fc1", new LinearSpec(7))
        .add("sigmoid", new SigmoidSpec())
        .add("fc2", new LinearSpec(3))
        .add("relu_out", new ReluSpec())
        .optBackend(BACKEND)
        .optSeed(11)
        .build();
  }

  @Test
  void foldsOnlyWhatNothingElseReads() {
    int[] into = InferenceFusion.foldedInto(mixed().spec());
    // conv3 is read by relu_a and relu_b: neither folds; the network's output activation does.
    assertArrayEquals(new int[] {-1, 0, -1, 2, -1, -1, -1, -1, -1, -1, 9, -1, 11}, into);
    int[] lenet = InferenceFusion.foldedInto(LeNet5.spec(10));
    assertEquals(4, Arrays.stream(lenet).filter(i -> i >= 0).count(), "LeNet-5's four ReLUs");
    // bn_a and its ReLU fold into conv_a; bn_b folds into conv_b, but its ReLU reads a sum.
    assertArrayEquals(
        new int[] {-1, 0, 0, -1, 3, -1, -1, -1, -1}, InferenceFusion.foldedInto(residual().spec()));
  }

  /** Convolutions with batch norm and ReLU, and a residual sum that keeps one ReLU apart. */
  private static Network residual() {
    return Network.builder(3, 8, 8)
        .add("conv_a", Conv2dSpec.of(4, 3, 1, Padding.SAME).withoutBias())
        .add("bn_a", BatchNormSpec.defaults())
        .add("relu_a", new ReluSpec())
        .add("conv_b", Conv2dSpec.of(4, 3, 1, Padding.SAME))
        .add("bn_b", BatchNormSpec.defaults())
        .add("sum", new AddSpec(), "bn_b", "relu_a")
        .add("relu_b", new ReluSpec())
        .add("flatten", new FlattenSpec())
        .add("fc", new LinearSpec(3))
        .optBackend(BACKEND)
        .optSeed(5)
        .build();
  }

  @Test
  void batchNormFoldedIntoItsConvolutionGivesTheSameValues() {
    Network network = residual();
    // Running statistics away from their initial 0 and 1, and γ, β away from 1 and 0.
    Tensor batch = randomInput(network, 6, 1);
    for (int step = 0; step < 3; step++) {
      network.forward(batch, true);
    }
    for (Parameter p : network.parameters()) {
      if (p.name().contains("bn")) {
        float[] v = new float[p.value().size()];
        for (int i = 0; i < v.length; i++) {
          v[i] = 0.5f + 0.25f * i;
        }
        network.backend().upload(v, 0, p.value(), 0, v.length);
      }
    }
    assertSameOutputs(network, 4);
  }

  @Test
  void flattenAndUnsharedDropoutBecomeViewsOfTheirInput() {
    Network network =
        Network.builder(2, 6, 6)
            .add("conv", Conv2dSpec.of(3, 3, 1, Padding.SAME))
            .add("drop_a", new DropoutSpec(0.5f))
            .add("conv2", Conv2dSpec.of(3, 3, 1, Padding.SAME))
            .add("drop_b", new DropoutSpec(0.5f))
            .add("flatten", new FlattenSpec(), "conv2")
            .add("fc", new LinearSpec(4))
            .add("sum", new AddSpec(), "fc", "fc")
            .add("flatten2", new FlattenSpec(), "drop_b")
            .optBackend(BACKEND)
            .optSeed(3)
            .build();
    // drop_a's input has no other reader; conv2 is read by drop_b and flatten, so drop_b keeps a
    // buffer; a flatten is a view whatever reads its input.
    assertArrayEquals(
        new int[] {-1, 0, -1, -1, 2, -1, -1, 3}, InferenceFusion.views(network.spec()));
    assertSameOutputs(network, 3);
  }

  @Test
  void foldedInferenceGivesTheValuesOfTheLayersRunOneByOne() {
    assertSameOutputs(mixed(), 5);
    assertSameOutputs(LeNet5.create(3), 9);
    assertSameOutputs(LeNet5.create(3), 1);
  }

  @Test
  void inferenceFootprintLeavesOutTheFoldedActivations() {
    NetworkSpec spec = LeNet5.spec(10);
    long[] asked = new long[1];
    // A backend that only records what it is asked to fit.
    Backend recording =
        new CoreOnlyBackend() {
          @Override
          public void checkFits(Supplier<String> what, long bytes, long largestBuffer) {
            asked[0] = bytes;
          }
        };
    MemoryFootprint footprint = MemoryFootprint.of(spec);
    footprint.checkExecutor(recording, 10, false);
    long inference = asked[0];
    footprint.checkExecutor(recording, 10, true);
    long training = asked[0];
    NetworkSummary summary = NetworkSummary.of(spec);
    // Training holds every output and its gradient, the parameters' gradients and the optimizer's
    // copy of the parameters;
    // inference holds every output but the four ReLUs' (6×28×28, 16×10×10, 120 and 84 per image)
    // and the flatten's (16×5×5, a view of pool2's).
    long relu = 6 * 28 * 28 + 16 * 10 * 10 + 120 + 84 + 16 * 5 * 5;
    long difference =
        4L * (10 * (summary.totalActivations() + relu) + 2 * summary.totalParameters());
    assertEquals(difference, training - inference);
  }

  @Test
  void timedForwardGivesTheSameValuesAndNoTimeToFoldedNodes() {
    Network network = mixed();
    Backend backend = network.backend();
    Tensor input = randomInput(network, 3, 5);
    NetworkExecutor executor = network.newExecutor(3, false);
    float[] plain = host(backend, executor.forward(input, false));
    long[] nanos = new long[network.layers().size()];
    assertArrayEquals(plain, host(backend, executor.forwardTimed(input, nanos)), "timed pass");
    int[] folded = InferenceFusion.foldedInto(network.spec());
    int[] views = InferenceFusion.views(network.spec());
    for (int i = 0; i < nanos.length; i++) {
      if (folded[i] >= 0 || views[i] >= 0) {
        assertEquals(0, nanos[i], "node " + i + " is not run, so takes no time of its own");
      }
    }
    IllegalArgumentException wrong =
        org.junit.jupiter.api.Assertions.assertThrows(
            IllegalArgumentException.class, () -> executor.forwardTimed(input, new long[2]));
    assertEquals(
        "forwardTimed: one time per node wanted (13), got an array of 2", wrong.getMessage());
  }

  private static void assertSameOutputs(Network network, int n) {
    Backend backend = network.backend();
    Tensor input = randomInput(network, n, n);
    float[] oneByOne = host(backend, network.forward(input, false));
    NetworkExecutor inference = network.newExecutor(n, false);
    assertArrayEquals(oneByOne, host(backend, inference.forward(input, false)), "folded inference");
    // A training-mode pass on the same executor runs the activations in place: same values.
    float[] training = host(backend, network.forward(input, true));
    assertArrayEquals(training, host(backend, inference.forward(input, true)), "training mode");
    // (Training passes move batch norm's running statistics: compare with the new ones.)
    assertArrayEquals(
        host(backend, network.forward(input, false)),
        host(backend, inference.forward(input, false)),
        "folded again");
  }

  private static Tensor randomInput(Network network, int n, long seed) {
    Shape in = network.inputShape().withBatch(n);
    Random random = new Random(seed);
    float[] x = new float[in.size()];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) random.nextGaussian();
    }
    Tensor input = network.backend().allocate(in);
    network.backend().upload(x, 0, input, 0, x.length);
    return input;
  }

  private static float[] host(Backend backend, Tensor t) {
    float[] v = new float[t.size()];
    backend.download(t, 0, v, 0, v.length);
    return v;
  }
}
