package io.vigil.engine.layer;

import io.vigil.engine.tensor.Shape;
import io.vigil.engine.tensor.Tensor;
import java.util.List;
import java.util.Random;

/**
 * One layer of a network, written once against {@link io.vigil.engine.backend.Backend} ops. A layer
 * holds its hyperparameters (its {@link LayerSpec}) and its parameters; everything that depends on
 * the batch (im2col columns, pooling switches) lives in a {@link Scratch} that each executor of the
 * network owns, so several predictors can share one layer's weights.
 *
 * <p>{@code forward} writes {@code out}. {@code backward} adds the parameter gradients into each
 * {@link Parameter#grad()} ({@code +=}) and, when {@code dIn} is not null, overwrites {@code dIn}
 * with the gradient of the loss with respect to the input; a first layer passes null and the work
 * is skipped. Tensors are NCHW with the batch size of {@code in}.
 */
public interface Layer {

  /**
   * Per-executor buffers of a layer; see {@link #newScratch(int)}. The executor that asked for them
   * owns them and closes them with itself.
   */
  interface Scratch extends AutoCloseable {
    /** Frees the buffers; the default holds none. */
    @Override
    default void close() {}
  }

  /** A layer that needs no buffers returns this. */
  Scratch NO_SCRATCH = new Scratch() {};

  /** The node name, e.g. {@code conv1}; every error message starts with it. */
  String name();

  /** The hyperparameters this layer was built from. */
  LayerSpec spec();

  /** The per-image input shape ({@code n = 1}) the layer was built for. */
  Shape inputShape();

  /** The output shape for {@code input}; throws naming the layer and the numbers if impossible. */
  default Shape outputShape(Shape input) {
    return spec().outputShape(name(), input);
  }

  /** The per-image input shapes, one per input (one for all but concatenation and addition). */
  default List<Shape> inputShapes() {
    return List.of(inputShape());
  }

  /** The per-image output shape ({@code n = 1}) for the inputs the layer was built for. */
  default Shape outputShape() {
    return outputShape(inputShape());
  }

  /** Learnable parameters in a fixed order (may be empty). */
  List<Parameter> parameters();

  /**
   * State that is saved with the model but not learned by gradient (batch normalisation's running
   * mean and variance), in a fixed order; empty for most layers.
   */
  default List<StateTensor> state() {
    return List.of();
  }

  /**
   * Whether one image's training forward depends on the other images of its batch (batch
   * normalisation's batch statistics). Such a network cannot split a training batch into shares
   * without changing what it computes.
   */
  default boolean mixesImagesInTraining() {
    return false;
  }

  /**
   * Frees what the layer owns: its parameters (values and gradients), its {@link #state} and, in
   * layers that override this, fixed buffers of their own. The network that built the layer calls
   * it from {@code Network.close}; executors' {@link Scratch} is theirs to close.
   */
  default void close() {
    for (Parameter p : parameters()) {
      p.close();
    }
    for (StateTensor s : state()) {
      s.value().close();
    }
  }

  /** Draws initial parameter values; weights He-normal, biases zero. */
  void initialise(Random random);

  /** Buffers for batches of up to {@code maxBatch} images. */
  Scratch newScratch(int maxBatch);

  /**
   * Buffers for one executor; {@code seed} seeds whatever randomness the layer draws per batch
   * (dropout masks), so each executor is reproducible on its own.
   */
  default Scratch newScratch(int maxBatch, long seed) {
    return newScratch(maxBatch);
  }

  void forward(Tensor in, Tensor out, Scratch scratch, boolean training);

  void backward(Tensor in, Tensor out, Tensor dOut, Tensor dIn, Scratch scratch);

  /** Forward over several inputs; single-input layers take the one. */
  default void forward(List<Tensor> ins, Tensor out, Scratch scratch, boolean training) {
    forward(ins.get(0), out, scratch, training);
  }

  /**
   * Backward over several inputs: {@code dIns.get(k)} (null to skip) receives the gradient of input
   * {@code k}, overwritten; single-input layers take the one.
   */
  default void backward(
      List<Tensor> ins, Tensor out, Tensor dOut, List<Tensor> dIns, Scratch scratch) {
    backward(ins.get(0), out, dOut, dIns.get(0), scratch);
  }
}
