package io.vigil.engine.model;

import io.vigil.engine.backend.Backend;
import io.vigil.engine.network.NetworkExecutor;
import io.vigil.engine.tensor.Shape;
import io.vigil.engine.tensor.Tensor;
import java.util.Arrays;

/**
 * Runs a {@link Model} on batches: {@code input} holds {@code batch × input().size()} normalised
 * floats, image after image in CHW order; {@code probabilitiesOut} receives {@code batch ×
 * numClasses()} softmax probabilities. Owns all its buffers, so predicting allocates nothing. Not
 * thread-safe: one per worker. The backend may use its own threads inside one call.
 *
 * <p>On a backend with several workers (the CPU backend's threads), a batch of at least two images
 * per worker is split into one share of whole images per worker, each run through the network by
 * its own executor: an image's activations stay in its worker's cache, and the workers meet once
 * per batch instead of once per op. Smaller batches run as one, each op split between the workers.
 * The results are the same either way.
 */
public final class Predictor implements AutoCloseable {

  private final Model model;
  private final Backend backend;

  /** One executor per share; the first also runs batches too small to split. */
  private final NetworkExecutor[] executors;

  private final Tensor inputs;
  private final Tensor probabilities;
  private final int imageSize;
  private final int classes;
  private final int maxBatch;
  private int viewBatch = -1;
  private Tensor inputView;
  private Tensor probabilityView;
  private final Tensor[] shareInputs;
  private final Tensor[] shareProbabilities;
  private boolean closed;

  Predictor(Model model, int maxBatch) {
    if (maxBatch < 1) {
      throw new IllegalArgumentException(
          "predictor for " + model.version() + ": maxBatch must be ≥ 1, got " + maxBatch);
    }
    this.model = model;
    this.maxBatch = maxBatch;
    this.backend = model.network().backend();
    int workers = backend.shareWorkers();
    int shares = workers > 1 && maxBatch >= 2 * workers ? workers : 1;
    // Shares are contiguous and differ by at most one image: none holds more than this.
    int perShare = (maxBatch + shares - 1) / shares;
    this.executors = new NetworkExecutor[shares];
    for (int i = 0; i < shares; i++) {
      executors[i] = model.network().newExecutor(perShare, false);
    }
    this.shareInputs = new Tensor[shares];
    this.shareProbabilities = new Tensor[shares];
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
    if (batch != viewBatch) {
      inputView = inputs.firstImages(batch);
      probabilityView = probabilities.firstImages(batch);
      viewBatch = batch;
      Arrays.fill(shareInputs, null);
    }
    if (executors.length == 1
        || (batch < 2 * executors.length && batch <= executors[0].maxBatch())) {
      // One worker, or too few images to give each two: one executor, each op split between
      // the workers.
      backend.upload(input, 0, inputView, 0, batch * imageSize);
      backend.softmax(executors[0].forward(inputView, false), probabilityView);
      backend.download(probabilityView, 0, probabilitiesOut, 0, batch * classes);
      return;
    }
    backend.forShares(
        batch, (from, to, share) -> predictShare(input, from, to, share, probabilitiesOut));
  }

  /** Images {@code [from, to)} through executor {@code share}, on the worker that runs it. */
  private void predictShare(float[] input, int from, int to, int share, float[] probabilitiesOut) {
    if (shareInputs[share] == null) {
      shareInputs[share] = inputs.images(from, to - from);
      shareProbabilities[share] = probabilities.images(from, to - from);
    }
    Tensor in = shareInputs[share];
    Tensor out = shareProbabilities[share];
    backend.upload(input, from * imageSize, in, 0, (to - from) * imageSize);
    backend.softmax(executors[share].forward(in, false), out);
    backend.download(out, 0, probabilitiesOut, from * classes, (to - from) * classes);
  }

  /** Releases the buffers (on the CPU backend the garbage collector does the rest). */
  @Override
  public void close() {
    closed = true;
  }
}
