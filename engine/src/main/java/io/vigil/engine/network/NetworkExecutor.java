package io.vigil.engine.network;

import io.vigil.engine.backend.Backend;
import io.vigil.engine.layer.Layer;
import io.vigil.engine.tensor.Shape;
import io.vigil.engine.tensor.Tensor;
import java.util.List;

/**
 * The per-thread state of running a {@link Network}: one activation tensor per node (and one
 * gradient tensor per node when training), and each layer's scratch, all sized for {@code maxBatch}
 * images when created and reused for every batch of that size or smaller. Not thread-safe.
 */
public final class NetworkExecutor {

  private final Network network;
  private final int maxBatch;
  private final Tensor[] activations;
  private final Tensor[] gradients;
  private final Layer.Scratch[] scratch;
  private final Tensor[] activationViews;
  private final Tensor[] gradientViews;
  private Tensor input;
  private int batch = -1;

  NetworkExecutor(Network network, int maxBatch, boolean withGradients) {
    if (maxBatch < 1) {
      throw new IllegalArgumentException("executor: maxBatch must be ≥ 1, got " + maxBatch);
    }
    this.network = network;
    this.maxBatch = maxBatch;
    Backend backend = network.backend();
    List<Layer> layers = network.layers();
    int count = layers.size();
    activations = new Tensor[count];
    gradients = withGradients ? new Tensor[count] : null;
    scratch = new Layer.Scratch[count];
    activationViews = new Tensor[count];
    gradientViews = new Tensor[count];
    for (int i = 0; i < count; i++) {
      Layer layer = layers.get(i);
      Shape out = layer.outputShape(layer.inputShape()).withBatch(maxBatch);
      activations[i] = backend.allocate(out);
      if (withGradients) {
        gradients[i] = backend.allocate(out);
      }
      scratch[i] = layer.newScratch(maxBatch);
    }
  }

  public int maxBatch() {
    return maxBatch;
  }

  public Network network() {
    return network;
  }

  /**
   * Runs every layer on {@code input} ({@code n × C × H × W}, {@code n ≤ maxBatch}); returns the
   * output logits, a view valid until the next call.
   */
  public Tensor forward(Tensor input, boolean training) {
    Shape s = input.shape();
    if (s.perImage() != network.inputShape().perImage() || s.n() < 1 || s.n() > maxBatch) {
      throw new IllegalArgumentException(
          "network input must be n×"
              + network.inputShape().c()
              + "×"
              + network.inputShape().h()
              + "×"
              + network.inputShape().w()
              + " with 1 ≤ n ≤ "
              + maxBatch
              + ", got "
              + s);
    }
    useBatch(s.n());
    this.input = input;
    List<Layer> layers = network.layers();
    for (int i = 0; i < layers.size(); i++) {
      layers.get(i).forward(inputOf(i), activationViews[i], scratch[i], training);
    }
    return activationViews[layers.size() - 1];
  }

  /**
   * Back-propagates {@code dOutput} (gradient of the loss w.r.t. the last forward's output) and
   * adds every parameter's gradient. The input gradient of the first layer is not computed.
   */
  public void backward(Tensor dOutput) {
    if (gradients == null) {
      throw new IllegalStateException("this executor was created without gradients");
    }
    if (input == null) {
      throw new IllegalStateException("backward called before forward");
    }
    List<Layer> layers = network.layers();
    int last = layers.size() - 1;
    if (dOutput.size() != activationViews[last].size()) {
      throw new IllegalArgumentException(
          "output gradient "
              + dOutput.shape()
              + " does not match output "
              + activationViews[last].shape());
    }
    for (int i = last; i >= 0; i--) {
      int from = network.inputOf(i);
      Tensor dOut = i == last ? dOutput : gradientViews[i];
      Tensor dIn = from < 0 ? null : gradientViews[from];
      layers.get(i).backward(inputOf(i), activationViews[i], dOut, dIn, scratch[i]);
    }
  }

  private Tensor inputOf(int i) {
    int from = network.inputOf(i);
    return from < 0 ? input : activationViews[from];
  }

  /** Views of the first {@code n} images; rebuilt only when the batch size changes. */
  private void useBatch(int n) {
    if (n == batch) {
      return;
    }
    for (int i = 0; i < activations.length; i++) {
      activationViews[i] = activations[i].firstImages(n);
      if (gradients != null) {
        gradientViews[i] = gradients[i].firstImages(n);
      }
    }
    batch = n;
  }
}
