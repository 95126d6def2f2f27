package io.vigil.engine.model;

import io.vigil.engine.backend.Backend;
import io.vigil.engine.network.NetworkExecutor;
import io.vigil.engine.tensor.Shape;
import io.vigil.engine.tensor.Tensor;

/**
 * Runs a {@link Model} on batches: {@code input} holds {@code batch × input().size()} normalised
 * floats, image after image in CHW order; {@code probabilitiesOut} receives {@code batch ×
 * numClasses()} softmax probabilities. Owns all its buffers, so predicting allocates nothing. Not
 * thread-safe: one per worker. The backend may use its own threads inside one call.
 */
public final class Predictor implements AutoCloseable {

  private final Model model;
  private final Backend backend;
  private final NetworkExecutor executor;
  private final Tensor inputs;
  private final Tensor probabilities;
  private final int imageSize;
  private final int classes;
  private final int maxBatch;
  private Tensor inputView;
  private Tensor probabilityView;
  private boolean closed;

  Predictor(Model model, int maxBatch) {
    if (maxBatch < 1) {
      throw new IllegalArgumentException(
          "predictor for " + model.version() + ": maxBatch must be ≥ 1, got " + maxBatch);
    }
    this.model = model;
    this.maxBatch = maxBatch;
    this.backend = model.network().backend();
    this.executor = model.network().newExecutor(maxBatch, false);
    this.imageSize = model.input().size();
    this.classes = model.classNames().size();
    this.inputs = backend.allocate(model.network().inputShape().withBatch(maxBatch));
    this.probabilities = backend.allocate(new Shape(maxBatch, classes, 1, 1));
  }

  public int numClasses() {
    return classes;
  }

  public int maxBatch() {
    return maxBatch;
  }

  public void predict(float[] input, int batch, float[] probabilitiesOut) {
    if (closed) {
      throw new IllegalStateException("predictor for " + model.version() + " is closed");
    }
    if (batch < 1 || batch > maxBatch) {
      throw new IllegalArgumentException(
          "predictor for "
              + model.version()
              + ": batch "
              + batch
              + " outside [1, "
              + maxBatch
              + "]");
    }
    if (input.length < batch * imageSize) {
      throw new IllegalArgumentException(
          "predictor for "
              + model.version()
              + ": input holds "
              + input.length
              + " floats, a batch of "
              + batch
              + " needs "
              + batch * imageSize
              + " ("
              + imageSize
              + " per image)");
    }
    if (probabilitiesOut.length < batch * classes) {
      throw new IllegalArgumentException(
          "predictor for "
              + model.version()
              + ": output holds "
              + probabilitiesOut.length
              + " floats, a batch of "
              + batch
              + " needs "
              + batch * classes);
    }
    if (inputView == null || inputView.shape().n() != batch) {
      inputView = inputs.firstImages(batch);
      probabilityView = probabilities.firstImages(batch);
    }
    backend.upload(input, 0, inputView, 0, batch * imageSize);
    Tensor logits = executor.forward(inputView, false);
    backend.softmax(logits, probabilityView);
    backend.download(probabilityView, 0, probabilitiesOut, 0, batch * classes);
  }

  /** Releases the buffers (on the CPU backend the garbage collector does the rest). */
  @Override
  public void close() {
    closed = true;
  }
}
