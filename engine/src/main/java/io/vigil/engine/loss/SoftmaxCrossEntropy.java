package io.vigil.engine.loss;

import io.vigil.engine.backend.Backend;
import io.vigil.engine.tensor.IntTensor;
import io.vigil.engine.tensor.Shape;
import io.vigil.engine.tensor.Tensor;

/**
 * Softmax followed by cross-entropy, averaged over the batch: for logits {@code z} ({@code N ×
 * classes}) and labels {@code y},
 *
 * <pre>
 *   p_ij = e^{z_ij} / Σ_k e^{z_ik}
 *   L    = −(1/N) Σ_i ln p_{i,y_i}
 *   ∂L/∂z_ij = (p_ij − [j = y_i]) / N
 * </pre>
 *
 * Holds the probabilities and labels of the last {@link #forward} for {@link #backward}; one
 * instance per training loop.
 */
public final class SoftmaxCrossEntropy implements AutoCloseable {

  private final Backend backend;
  private final int classes;
  private final Tensor probs;
  private final IntTensor labels;
  private int batch;

  public SoftmaxCrossEntropy(Backend backend, int classes, int maxBatch) {
    this.backend = backend;
    this.classes = classes;
    this.probs = backend.allocate(new Shape(maxBatch, classes, 1, 1));
    this.labels = backend.allocateInts(maxBatch);
  }

  /** Mean loss of {@code logits} ({@code n × classes}) against {@code labels[0..n)}. */
  public double forward(Tensor logits, int[] hostLabels) {
    int n = logits.shape().n();
    if (logits.shape().perImage() != classes || n > probs.shape().n()) {
      throw new IllegalArgumentException(
          "softmax cross-entropy: expected at most "
              + probs.shape().n()
              + "×"
              + classes
              + " logits, got "
              + logits.shape());
    }
    batch = n;
    Tensor p = probs.firstImages(n);
    backend.softmax(logits, p);
    backend.uploadInts(hostLabels, 0, labels, n);
    return backend.crossEntropySum(p, labels) / n;
  }

  /** Writes {@code ∂L/∂logits} of the last forward into {@code dLogits}. */
  public void backward(Tensor dLogits) {
    backward(dLogits, batch);
  }

  /**
   * As {@link #backward(Tensor)} for a last forward that was one share of a batch of {@code
   * wholeBatch} images: the gradient of the whole batch's mean loss, {@code (p − y) / wholeBatch}.
   */
  public void backward(Tensor dLogits, int wholeBatch) {
    if (wholeBatch < batch) {
      throw new IllegalArgumentException(
          "softmax cross-entropy: a share of " + batch + " images of a batch of " + wholeBatch);
    }
    backend.softmaxCrossEntropyBackward(probs.firstImages(batch), labels, 1f / wholeBatch, dLogits);
  }

  /** The probabilities of the last forward ({@code n × classes}). */
  public Tensor probabilities() {
    return probs.firstImages(batch);
  }

  /** Frees the probabilities and labels this loss keeps. */
  @Override
  public void close() {
    probs.close();
    labels.close();
  }
}
