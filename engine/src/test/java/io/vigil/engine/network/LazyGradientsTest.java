package io.vigil.engine.network;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.engine.backend.CoreOnlyBackend;
import io.vigil.engine.backend.cpu.CpuBackend;
import io.vigil.engine.data.LabeledImages;
import io.vigil.engine.layer.Parameter;
import io.vigil.engine.model.InputContract;
import io.vigil.engine.model.Model;
import io.vigil.engine.model.ModelFile;
import io.vigil.engine.model.Predictor;
import io.vigil.engine.model.Provenance;
import io.vigil.engine.tensor.Shape;
import io.vigil.engine.tensor.Tensor;
import io.vigil.engine.train.OptimizerKind;
import io.vigil.engine.train.Trainer;
import io.vigil.engine.train.TrainingConfig;
import io.vigil.engine.train.TrainingListener;
import io.vigil.engine.zoo.LeNet5;
import io.vigil.engine.zoo.LeNet5Classic;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Parameter gradients (and the layers' other training-only buffers) are allocated when training
 * first needs them: a model that only serves holds its weights and nothing more, and a network
 * trained with gradients made on demand ends bit for bit where one with them made up front ends.
 */
class LazyGradientsTest {

  /** Counts the floats of every tensor it allocated that is not closed yet. */
  private static final class Counting extends CoreOnlyBackend {
    private final List<Tensor> tensors = new ArrayList<>();

    @Override
    public synchronized Tensor allocate(Shape shape) {
      Tensor t = super.allocate(shape);
      tensors.add(t);
      return t;
    }

    synchronized long liveFloats() {
      return tensors.stream().filter(t -> !t.isClosed()).mapToLong(Tensor::size).sum();
    }
  }

  @TempDir Path dir;

  private static LabeledImages images(int count, int side, long seed) {
    Random random = new Random(seed);
    byte[] pixels = new byte[count * side * side];
    random.nextBytes(pixels);
    return new LabeledImages(count, side, side, pixels, random.ints(count, 0, 10).toArray());
  }

  @Test
  void aModelLoadedToServeHoldsItsWeightsAndNoGradients() throws Exception {
    Network trained = Network.fromSpec(LeNet5Classic.spec(10), CpuBackend.shared());
    trained.initialise(3);
    Path file = dir.resolve("classic" + ModelFile.EXTENSION);
    try (Model saved =
        Model.create(
            "classic",
            trained,
            LeNet5Classic.INPUT,
            IntStream.range(0, 10).mapToObj(Integer::toString).toList(),
            new Provenance("test", 0, 0, null, "", ""))) {
      ModelFile.save(saved, file);
    }

    Counting backend = new Counting();
    Model model = ModelFile.load(file, backend);
    long weights = model.network().savedTensors().stream().mapToLong(t -> t.value().size()).sum();
    assertEquals(
        weights,
        backend.liveFloats(),
        "a loaded model holds its weights only: half what it held with gradients");

    int image = LeNet5Classic.INPUT.size();
    try (Predictor predictor = model.newPredictor(4)) {
      float[] out = new float[4 * 10];
      predictor.predict(new float[4 * image], 4, out);
      predictor.predict(new float[3 * image], 3, out);
      for (Parameter p : model.network().parameters()) {
        assertFalse(p.hasGrad(), p.name() + " got a gradient from predicting");
      }
      model.close();
    }
    assertEquals(0, backend.liveFloats(), "model and predictor freed everything");
  }

  @Test
  void theFirstBackwardPassGivesEveryParameterItsGradient() {
    Counting backend = new Counting();
    try (Network network = Network.fromSpec(LeNet5.spec(10), backend)) {
      network.initialise(5);
      long weights = backend.liveFloats();
      network.zeroGradients();
      assertEquals(weights, backend.liveFloats(), "zeroing allocates nothing");

      Tensor input = backend.allocate(new Shape(2, 1, 28, 28));
      Tensor output = network.forward(input, true);
      Tensor dOutput = backend.allocate(output.shape());
      backend.fill(dOutput, 1f);
      network.backward(dOutput);
      for (Parameter p : network.parameters()) {
        assertTrue(p.hasGrad(), p.name() + " has no gradient after backward");
        assertEquals(p.value().shape(), p.grad().shape(), p.name());
      }
      input.close();
      dOutput.close();
    }
    assertEquals(0, backend.liveFloats(), "the network freed its gradients with its weights");
  }

  @Test
  void aClosedParameterRefusesAGradientNamingItself() {
    Network network = Network.fromSpec(LeNet5.spec(10), new Counting());
    Parameter first = network.parameters().get(0);
    network.close();
    IllegalStateException e = assertThrows(IllegalStateException.class, first::grad);
    assertTrue(e.getMessage().contains(first.name()), e.getMessage());
  }

  @Test
  void trainingWithGradientsMadeOnDemandIsBitIdenticalToMadeUpFront() {
    // LeNet-5 classic has the layers with training-only buffers: tied subsampling and a
    // connection-table convolution.
    for (OptimizerKind kind : OptimizerKind.values()) {
      assertSameTraining(LeNet5Classic.spec(10), LeNet5Classic.INPUT, 32, kind);
      assertSameTraining(LeNet5.spec(10), LeNet5.INPUT, 28, kind);
    }
  }

  private void assertSameTraining(
      NetworkSpec spec, InputContract input, int side, OptimizerKind kind) {
    TrainingConfig config = new TrainingConfig(1, 8, 0.01f, 0.9f, 1e-4f, 7).withOptimizer(kind);
    try (Network onDemand = Network.fromSpec(spec, CpuBackend.shared());
        Network upFront = Network.fromSpec(spec, CpuBackend.shared())) {
      onDemand.initialise(11);
      upFront.initialise(11);
      for (Parameter p : upFront.parameters()) {
        p.grad(); // as every parameter was built before gradients were made on demand
      }
      new Trainer(onDemand, input, config)
          .fit(images(24, side, 1), images(8, side, 2), TrainingListener.silent());
      new Trainer(upFront, input, config)
          .fit(images(24, side, 1), images(8, side, 2), TrainingListener.silent());
      for (int i = 0; i < onDemand.parameters().size(); i++) {
        Parameter a = onDemand.parameters().get(i);
        Parameter b = upFront.parameters().get(i);
        assertArrayEquals(
            host(b.value()),
            host(a.value()),
            kind + " " + spec.nodes().get(0).name() + " " + a.name());
      }
    }
  }

  private static float[] host(Tensor t) {
    float[] v = new float[t.size()];
    t.owner().download(t, 0, v, 0, v.length);
    return v;
  }
}
