package io.vigil.onnx;

import io.vigil.engine.backend.Backend;
import io.vigil.engine.layer.AddSpec;
import io.vigil.engine.layer.AvgPool2dSpec;
import io.vigil.engine.layer.BatchNorm;
import io.vigil.engine.layer.BatchNormSpec;
import io.vigil.engine.layer.ConcatSpec;
import io.vigil.engine.layer.Conv2dSpec;
import io.vigil.engine.layer.ConvTranspose2dSpec;
import io.vigil.engine.layer.DropoutSpec;
import io.vigil.engine.layer.FlattenSpec;
import io.vigil.engine.layer.GlobalAvgPoolSpec;
import io.vigil.engine.layer.L2Pool2dSpec;
import io.vigil.engine.layer.Layer;
import io.vigil.engine.layer.LeakyReluSpec;
import io.vigil.engine.layer.LinearSpec;
import io.vigil.engine.layer.LrnSpec;
import io.vigil.engine.layer.MaxPool2dSpec;
import io.vigil.engine.layer.Parameter;
import io.vigil.engine.layer.ReluSpec;
import io.vigil.engine.layer.Rounding;
import io.vigil.engine.layer.SigmoidSpec;
import io.vigil.engine.layer.SoftmaxSpec;
import io.vigil.engine.layer.TanhSpec;
import io.vigil.engine.model.InputContract;
import io.vigil.engine.model.Model;
import io.vigil.engine.model.Provenance;
import io.vigil.engine.network.Network;
import io.vigil.engine.network.NetworkExecutor;
import io.vigil.engine.tensor.Shape;
import io.vigil.engine.tensor.Tensor;
import io.vigil.engine.zoo.ModelZoo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;

/** Models, inputs and float files for the export tests. */
final class ExportFixtures {

  private ExportFixtures() {}

  static final Provenance PROVENANCE =
      new Provenance("none", 0, 0.0, null, "2026-12-07T00:00:00Z", "export test");

  /** Zoo network {@code name} with {@code classes} outputs, random weights and statistics. */
  static Model zoo(String name, int classes, long seed) {
    ModelZoo.Entry entry = ModelZoo.get(name);
    Network network = entry.create(seed, classes);
    perturb(network, seed);
    return Model.create(name, network, entry.input(), classNames(classes), PROVENANCE);
  }

  /** {@code network} as a model with numbered classes and a gray or RGB contract. */
  static Model model(String name, Network network) {
    Shape in = network.inputShape();
    int classes = network.outputShape().perImage();
    return Model.create(
        name,
        network,
        new InputContract(in.c(), in.h(), in.w(), 0.5f, 0.25f),
        classNames(classes),
        PROVENANCE);
  }

  static List<String> classNames(int classes) {
    return IntStream.range(0, classes).mapToObj(i -> "class" + i).toList();
  }

  /**
   * Fresh networks have zero biases, γ = 1, β = 0 and running statistics 0 and 1, under which a
   * bias or statistic exported to the wrong place would go unseen; this draws them at random.
   */
  static void perturb(Network network, long seed) {
    Random random = new Random(seed ^ 0x5DEECE66DL);
    Backend backend = network.backend();
    for (Layer layer : network.layers()) {
      if (layer instanceof BatchNorm bn) {
        fill(backend, bn.gamma().value(), random, 0.5f, 1.5f);
        fill(backend, bn.beta().value(), random, -0.2f, 0.2f);
        fill(backend, bn.runningMean(), random, -0.2f, 0.2f);
        fill(backend, bn.runningVariance(), random, 0.5f, 1.5f);
      } else {
        for (Parameter p : layer.parameters()) {
          if (p.name().endsWith(".bias")) {
            fill(backend, p.value(), random, -0.1f, 0.1f);
          }
        }
      }
    }
  }

  private static void fill(Backend backend, Tensor t, Random random, float lo, float hi) {
    float[] values = new float[t.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = lo + (hi - lo) * random.nextFloat();
    }
    backend.upload(values, 0, t, 0, values.length);
  }

  /** {@code batch} images of standard normal values for {@code model}. */
  static float[] normalInput(Model model, int batch, long seed) {
    Random random = new Random(seed);
    float[] x = new float[batch * model.network().inputShape().perImage()];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) random.nextGaussian();
    }
    return x;
  }

  /** vigil's logits for {@code input}: the network's inference forward pass on its backend. */
  static float[] logits(Model model, float[] input, int batch) {
    Network network = model.network();
    Backend backend = network.backend();
    Tensor in = backend.allocate(network.inputShape().withBatch(batch));
    backend.upload(input, 0, in, 0, input.length);
    NetworkExecutor executor = network.newExecutor(batch, false);
    Tensor out = executor.forward(in, false);
    float[] y = new float[out.size()];
    backend.download(out, 0, y, 0, y.length);
    return y;
  }

  static void writeFloats(Path file, float[] values) throws IOException {
    ByteBuffer buffer =
        ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    buffer.asFloatBuffer().put(values);
    Files.write(file, buffer.array());
  }

  static float[] readFloats(Path file) throws IOException {
    ByteBuffer buffer = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
    float[] values = new float[buffer.remaining() / Float.BYTES];
    buffer.asFloatBuffer().get(values);
    return values;
  }

  /**
   * A small network with every exportable layer kind outside the zoo and the awkward cases: a
   * dilated and a grouped convolution, average pooling over padding, odd LRN, a transposed
   * convolution, max pools whose CEIL rounding keeps (ceil_mode 1) and drops (ceil_mode 0) the last
   * window, a softmax over a whole image, linear layers on flat values, a three-way addition and a
   * concatenation of flat and image values.
   */
  static Network layers(long seed) {
    Network network =
        Network.builder(3, 12, 12)
            .add("dilated", new Conv2dSpec(8, 3, 3, 1, 1, 2, 2, 2, 2, 1, true))
            .add("leaky", new LeakyReluSpec(0.1f))
            .add("grouped", Conv2dSpec.of(8, 3, 1, 1).withGroups(2).withoutBias())
            .add("bn", new BatchNormSpec(1e-3f, 0.2f))
            .add("sigmoid", new SigmoidSpec())
            .add("avg", new AvgPool2dSpec(3, 3, 1, 1, 1, 1))
            .add("lrn", new LrnSpec(3, 1e-2f, 0.75f, 1.5f))
            .add("tanh", new TanhSpec())
            .add("up", ConvTranspose2dSpec.of(4, 3, 2, 1))
            .add("drop_last", new MaxPool2dSpec(2, 2, 2, 2, 1, 1, Rounding.CEIL))
            .add("keep_last", new MaxPool2dSpec(3, 3, 2, 2, 0, 0, Rounding.CEIL))
            .add("image_softmax", new SoftmaxSpec())
            .add("gap", new GlobalAvgPoolSpec())
            .add("fc_a", new LinearSpec(6), "gap")
            .add("fc_b", new LinearSpec(6), "fc_a")
            .add("relu", new ReluSpec(), "fc_b")
            .add("fc_c", new LinearSpec(6), "gap")
            .add("sum", new AddSpec(), "fc_a", "relu", "fc_c")
            .add("conv_head", Conv2dSpec.of(6, 1, 1, 0), "gap")
            .add("joined", new ConcatSpec(), "sum", "conv_head")
            .add("dropout", new DropoutSpec(0.3f))
            .add("flatten", new FlattenSpec())
            .add("out", new LinearSpec(5))
            .optSeed(seed)
            .build();
    perturb(network, seed);
    return network;
  }

  /** L2 pooling, which ONNX has (LpPool, p = 2) and OpenCV 4.6 does not run. */
  static Network l2Pool(long seed) {
    Network network =
        Network.builder(1, 8, 8)
            .add("conv", Conv2dSpec.of(4, 3, 1, 1))
            .add("l2", new L2Pool2dSpec(2, 2, 2, 2, 0, 0))
            .add("fc", new LinearSpec(3))
            .optSeed(seed)
            .build();
    perturb(network, seed);
    return network;
  }
}
