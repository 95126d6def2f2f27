package io.vigil.engine.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.engine.backend.CoreOnlyBackend;
import io.vigil.engine.data.LabeledImages;
import io.vigil.engine.network.Network;
import io.vigil.engine.network.NetworkExecutor;
import io.vigil.engine.tensor.IntTensor;
import io.vigil.engine.tensor.Shape;
import io.vigil.engine.tensor.Tensor;
import io.vigil.engine.train.OptimizerKind;
import io.vigil.engine.train.Trainer;
import io.vigil.engine.train.TrainingConfig;
import io.vigil.engine.train.TrainingListener;
import io.vigil.engine.zoo.LeNet5;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Who frees what: a network its parameters, an executor and a predictor their buffers, a training
 * run its passes and optimizer state, a model its network once the last hold is gone. Counted on a
 * backend that remembers every tensor it made, so a tensor nobody closes shows as live.
 */
class OwnershipTest {

  /** Remembers every tensor it allocates; live ones are those not closed. */
  private static final class Tracking extends CoreOnlyBackend {
    private final List<Tensor> tensors = new ArrayList<>();
    private final List<IntTensor> ints = new ArrayList<>();

    /** Allocations left before one is refused, as a device out of memory would. */
    int allocationsLeft = Integer.MAX_VALUE;

    @Override
    public synchronized Tensor allocate(Shape shape) {
      if (allocationsLeft-- == 0) {
        throw new IllegalStateException("out of memory for " + shape);
      }
      Tensor t = super.allocate(shape);
      tensors.add(t);
      return t;
    }

    @Override
    public synchronized IntTensor allocateInts(int length) {
      IntTensor t = super.allocateInts(length);
      ints.add(t);
      return t;
    }

    synchronized long live() {
      return tensors.stream().filter(t -> !t.isClosed()).count()
          + ints.stream().filter(t -> !t.isClosed()).count();
    }
  }

  private final Tracking backend = new Tracking();

  private Network lenet() {
    Network network = Network.fromSpec(LeNet5.spec(10), backend);
    network.initialise(7);
    return network;
  }

  private static Model model(Network network) {
    return Model.create(
        "lenet5",
        network,
        LeNet5.INPUT,
        IntStream.range(0, 10).mapToObj(Integer::toString).toList(),
        new Provenance("test", 0, 0, null, "", ""));
  }

  private static LabeledImages images(int count, long seed) {
    Random random = new Random(seed);
    byte[] pixels = new byte[count * 28 * 28];
    random.nextBytes(pixels);
    return new LabeledImages(count, 28, 28, pixels, random.ints(count, 0, 10).toArray());
  }

  @Test
  void aNetworkFreesItsParametersAndAnExecutorItsBuffers() {
    Network network = lenet();
    long parameters = backend.live();
    assertEquals(
        network.parameters().size(), parameters, "a value each; gradients wait for training");

    NetworkExecutor executor = network.newExecutor(4, true);
    assertTrue(backend.live() > parameters);
    executor.forward(backend.allocate(new Shape(4, 1, 28, 28)), true);
    executor.close();
    executor.close();
    assertEquals(parameters + 1, backend.live(), "only the input, which the test owns, is left");

    network.close();
    assertEquals(1, backend.live());
    Tensor weight = network.parameters().get(0).value();
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> network.initialise(1));
    assertTrue(e.getMessage().contains(weight.shape().toString()), e.getMessage());
  }

  @Test
  void aNetworkRefusedPartWayFreesTheLayersItHadBuilt() {
    // conv1's and conv2's weights and biases, then fc1's weight; its bias is refused.
    backend.allocationsLeft = 5;
    assertThrows(IllegalStateException.class, this::lenet);
    assertEquals(5, backend.tensors.size(), "it had allocated before the refusal");
    assertEquals(0, backend.live(), "and freed it all");
  }

  @Test
  void aPredictorFreesItsBuffersAndAModelOutlivesItsClosingWhileHeld() {
    Model model = model(lenet());
    long weights = backend.live();
    Predictor predictor = model.newPredictor(3);
    float[] out = new float[30];
    predictor.predict(new float[3 * 28 * 28], 3, out);

    model.close();
    assertFalse(model.isClosed(), "the open predictor holds the weights");
    predictor.predict(new float[3 * 28 * 28], 3, out);
    assertTrue(backend.live() > weights);

    predictor.close();
    assertTrue(model.isClosed(), "the last hold gone, the weights go");
    assertEquals(0, backend.live(), "nothing of model or predictor is left");
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> model.newPredictor(1));
    assertTrue(e.getMessage().contains(model.version()), e.getMessage());
  }

  @Test
  void aTrainingRunFreesItsPassesAndOptimizerStateHoweverItEnds() {
    Network network = lenet();
    long values = backend.live();
    // The first backward pass gives every parameter its gradient, which the network keeps.
    long parameters = 2 * values;
    for (OptimizerKind kind : OptimizerKind.values()) {
      TrainingConfig config = new TrainingConfig(1, 8, 0.01f, 0.9f, 0f, 3).withOptimizer(kind);
      new Trainer(network, LeNet5.INPUT, config)
          .fit(images(20, 1), images(10, 2), TrainingListener.silent());
      assertEquals(
          parameters,
          backend.live(),
          kind + ": only the network's parameters and gradients are left");
    }
    TrainingConfig diverging = new TrainingConfig(1, 8, 1e30f, 0.9f, 0f, 3);
    assertThrows(
        IllegalStateException.class,
        () ->
            new Trainer(network, LeNet5.INPUT, diverging)
                .fit(images(20, 1), images(10, 2), TrainingListener.silent()));
    assertEquals(parameters, backend.live(), "a run that fails frees what it allocated too");
    network.close();
    assertEquals(0, backend.live());
  }
}
