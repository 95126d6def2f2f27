package io.vigil.engine.model;

import io.vigil.engine.backend.Backend;
import io.vigil.engine.network.NetworkExecutor;
import io.vigil.engine.tensor.Shape;
import io.vigil.engine.tensor.Tensor;
import io.vigil.engine.tensor.TensorScope;
import java.util.Arrays;
import java.util.List;

/**
 * Runs a {@link Model} on batches: {@code input} holds {@code batch × input().size()} normalised
 * floats, image after image in CHW order; {@code probabilitiesOut} receives {@code batch ×
 * numClasses()} softmax probabilities; a caller that holds each image in an array of its own (a
 * video frame's pixels) passes the arrays instead ({@link #submit(List)}), and each image is copied
 * once, straight into the batch the backend reads. Owns all its buffers, so predicting allocates
 * nothing after the first batch. Not thread-safe: one per worker. The backend may use its own
 * threads inside one call.
 *
 * <p>Two ways to run a batch. {@link #predict} returns with its probabilities. {@link #submit}
 * starts a batch and returns; {@link #collect} waits for the oldest batch submitted and copies its
 * probabilities out. Up to {@link #MAX_IN_FLIGHT} batches may be submitted and not yet collected,
 * so that the caller prepares batch k+1 (and the backend uploads it) while batch k computes;
 * batches come out in the order they went in. The caller may overwrite its input array as soon as
 * {@code submit} returns. Each batch in flight has its own input and output tensors and its own
 * host staging ({@link Backend.TransferSlot}); the second set is made the first time two batches
 * are in flight. On a device backend submit only enqueues the upload, forward, softmax and
 * download; on the CPU backend the ops finish before they return, so submit computes the batch at
 * once and collect only copies its probabilities out. {@code predict} is {@code submit} then {@code
 * collect}, with nothing else in flight.
 *
 * <p>On a backend with several workers (the CPU backend's threads), a batch of at least two images
 * per worker is split into one share of whole images per worker, each run through the network by
 * its own executor: an image's activations stay in its worker's cache, and the workers meet once
 * per batch instead of once per op. Smaller batches run as one, each op split between the workers.
 * The results are the same either way.
 *
 * <p>The predictor owns its executors, tensors and staging, and {@link #close} frees them; it holds
 * its model ({@link Model#hold}) while open, so the model's weights outlive it even if the model is
 * closed first.
 */
public final class Predictor implements AutoCloseable {

  /** How many batches may be submitted and not yet collected. */
  public static final int MAX_IN_FLIGHT = 2;

  private final Model model;
  private final Backend backend;

  /** One executor per share; the first also runs batches too small to split. */
  private final NetworkExecutor[] executors;

  private final int imageSize;
  private final int classes;
  private final int maxBatch;

  /** The buffers of each batch in flight, used in turn; made when first needed. */
  private final Slot[] slots = new Slot[MAX_IN_FLIGHT];

  /** The slot of the oldest batch in flight, and how many are in flight from it on. */
  private int oldest;

  private int inFlight;
  private boolean closed;

  /** Everything this predictor allocated: executors and each slot's tensors. */
  private final TensorScope owned = new TensorScope();

  private final Model.Hold modelHold;

  Predictor(Model model, int maxBatch) {
    if (maxBatch < 1) {
      throw new IllegalArgumentException(
          "predictor for " + model.version() + ": maxBatch must be ≥ 1, got " + maxBatch);
    }
    this.model = model;
    this.modelHold = model.hold();
    this.maxBatch = maxBatch;
    this.backend = model.network().backend();
    int workers = backend.shareWorkers();
    int shares = workers > 1 && maxBatch >= 2 * workers ? workers : 1;
    // Shares are contiguous and differ by at most one image: none holds more than this.
    int perShare = (maxBatch + shares - 1) / shares;
    this.executors = new NetworkExecutor[shares];
    this.imageSize = model.input().size();
    this.classes = model.classNames().size();
    try {
      for (int i = 0; i < shares; i++) {
        executors[i] = owned.add(model.network().newExecutor(perShare, false));
      }
      slots[0] = new Slot();
    } catch (RuntimeException | Error e) {
      owned.close();
      modelHold.close();
      throw e;
    }
  }

  public int numClasses() {
    return classes;
  }

  public int maxBatch() {
    return maxBatch;
  }

  /** Batches submitted and not yet collected. */
  public int inFlight() {
    return inFlight;
  }

  /**
   * Whether a submitted batch computes on hardware of its own while the caller goes on ({@link
   * Backend#computesBesideHost}): then work done between {@link #submit} and {@link #collect} is
   * time gained.
   */
  public boolean computesBesideHost() {
    return backend.computesBesideHost();
  }

  /**
   * Runs one batch and writes its probabilities: {@link #submit} then {@link #collect}.
   *
   * @throws IllegalStateException when batches submitted earlier are still to be collected
   */
  public void predict(float[] input, int batch, float[] probabilitiesOut) {
    checkOpen();
    if (inFlight > 0) {
      throw new IllegalStateException(
          name()
              + ": predict while "
              + inFlight
              + " submitted batch(es) wait to be collected; collect them first");
    }
    checkBatch(batch);
    checkOutput(batch, probabilitiesOut);
    submit(input, batch);
    collect(probabilitiesOut);
  }

  /**
   * Starts a batch of {@code batch} images from {@code input}; its probabilities come from a later
   * {@link #collect}. The input is copied before this returns.
   *
   * @throws IllegalStateException when {@link #MAX_IN_FLIGHT} batches are already in flight, or the
   *     predictor is closed
   */
  public void submit(float[] input, int batch) {
    checkOpen();
    checkBatch(batch);
    if (input.length < batch * imageSize) {
      throw new IllegalArgumentException(
          name()
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
    nextSlot().start(input, null, batch);
    inFlight++;
  }

  /**
   * Starts a batch of {@code images.size()} images, image {@code i} the first {@code
   * input().size()} floats of {@code images.get(i)}: as {@link #submit(float[], int)}, for a caller
   * that holds each image in an array of its own (a video frame's pixels). Each image is copied
   * once, straight from its array into the batch the backend reads (on the CPU backend, the
   * network's input tensor); the arrays may be overwritten as soon as this returns.
   *
   * @throws IllegalArgumentException when an image holds fewer floats than the model's input, or
   *     the batch is empty or larger than {@link #maxBatch()}
   * @throws IllegalStateException when {@link #MAX_IN_FLIGHT} batches are already in flight, or the
   *     predictor is closed
   */
  public void submit(List<float[]> images) {
    checkOpen();
    int batch = images.size();
    checkBatch(batch);
    for (int i = 0; i < batch; i++) {
      int length = images.get(i).length;
      if (length < imageSize) {
        throw new IllegalArgumentException(
            name()
                + ": image "
                + i
                + " of the batch holds "
                + length
                + " floats, the model's input needs "
                + imageSize);
      }
    }
    nextSlot().start(null, images, batch);
    inFlight++;
  }

  /** The slot the next batch goes into. */
  private Slot nextSlot() {
    if (inFlight == MAX_IN_FLIGHT) {
      throw new IllegalStateException(
          name()
              + ": "
              + MAX_IN_FLIGHT
              + " batches are already submitted and not collected, the most it allows; collect"
              + " the oldest first");
    }
    int next = (oldest + inFlight) % MAX_IN_FLIGHT;
    if (slots[next] == null) {
      slots[next] = new Slot();
    }
    return slots[next];
  }

  /**
   * Waits for the oldest batch in flight and writes its {@code batch × numClasses()} probabilities
   * into {@code probabilitiesOut} from index 0.
   *
   * @throws IllegalStateException when no batch is in flight, or the predictor is closed
   */
  public void collect(float[] probabilitiesOut) {
    checkOpen();
    if (inFlight == 0) {
      throw new IllegalStateException(
          name() + ": nothing to collect: every submitted batch has been collected");
    }
    Slot slot = slots[oldest];
    // Checked before the batch leaves the queue, so that a caller can retry with a larger array.
    checkOutput(slot.batch, probabilitiesOut);
    oldest = (oldest + 1) % MAX_IN_FLIGHT;
    inFlight--;
    slot.finish(probabilitiesOut);
  }

  private String name() {
    return "predictor for " + model.version();
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException(name() + " is closed");
    }
  }

  private void checkBatch(int batch) {
    if (batch < 1 || batch > maxBatch) {
      throw new IllegalArgumentException(
          name() + ": batch " + batch + " outside [1, " + maxBatch + "]");
    }
  }

  private void checkOutput(int batch, float[] probabilitiesOut) {
    if (probabilitiesOut.length < batch * classes) {
      throw new IllegalArgumentException(
          name()
              + ": output holds "
              + probabilitiesOut.length
              + " floats, a batch of "
              + batch
              + " needs "
              + batch * classes);
    }
  }

  /**
   * Discards the batches still in flight (after the backend has finished with them), frees the host
   * staging, the tensors and the executors, and lets go of the model. Idempotent.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    inFlight = 0;
    RuntimeException first = null;
    for (Slot slot : slots) {
      try {
        if (slot != null) {
          slot.close();
        }
      } catch (RuntimeException e) {
        first = add(first, e);
      }
    }
    try {
      owned.close();
    } catch (RuntimeException e) {
      first = add(first, e);
    }
    modelHold.close();
    if (first != null) {
      throw first;
    }
  }

  private static RuntimeException add(RuntimeException first, RuntimeException e) {
    if (first == null) {
      return e;
    }
    first.addSuppressed(e);
    return first;
  }

  /**
   * One batch between submit and collect, with the buffers it alone uses while in flight: input and
   * output tensors of {@code maxBatch} images, views of them for the current batch size (and per
   * share), and its host staging.
   */
  private final class Slot {
    private final Tensor inputs;
    private final Tensor probabilities;
    private final Tensor[] shareInputs = new Tensor[executors.length];
    private final Tensor[] shareProbabilities = new Tensor[executors.length];
    private int viewBatch = -1;
    private Tensor inputView;
    private Tensor probabilityView;

    /** Staging for batches run on one executor; made by the first of them. */
    private Backend.TransferSlot transfer;

    /** Probabilities of a batch run in shares (complete when its submit returns). */
    private float[] shareResults;

    private int batch;
    private boolean inShares;

    /** The input of the batch being run in shares: one of the two is set while it runs. */
    private float[] flatInput;

    private List<float[]> imageInputs;

    private final Backend.ShareTask shareTask = this::runShare;

    Slot() {
      this.inputs = owned.add(backend.allocate(model.network().inputShape().withBatch(maxBatch)));
      this.probabilities = owned.add(backend.allocate(new Shape(maxBatch, classes, 1, 1)));
    }

    /**
     * Runs or enqueues the batch: from {@code flat} (images one after another) or, when that is
     * null, from {@code images} (one array each). Kept in fields until the batch is started, so
     * that the shares' task, made once, reads them without a capture per batch.
     */
    void start(float[] flat, List<float[]> images, int batch) {
      if (batch != viewBatch) {
        inputView = inputs.firstImages(batch);
        probabilityView = probabilities.firstImages(batch);
        viewBatch = batch;
        Arrays.fill(shareInputs, null);
      }
      this.batch = batch;
      inShares =
          executors.length > 1
              && !(batch < 2 * executors.length && batch <= executors[0].maxBatch());
      if (!inShares) {
        // One worker, or too few images to give each two: one executor, each op split between
        // the workers.
        if (transfer == null) {
          transfer = backend.newTransferSlot(maxBatch * imageSize, maxBatch * classes);
        }
        if (flat != null) {
          transfer.upload(flat, 0, inputView, batch * imageSize);
        } else {
          transfer.uploadImages(images, imageSize, inputView);
        }
        backend.softmax(executors[0].forward(inputView, false), probabilityView);
        transfer.startDownload(probabilityView, batch * classes);
        return;
      }
      if (shareResults == null) {
        shareResults = new float[maxBatch * classes];
      }
      flatInput = flat;
      imageInputs = images;
      try {
        backend.forShares(batch, shareTask);
      } finally {
        flatInput = null;
        imageInputs = null;
      }
    }

    /** Images {@code [from, to)} through executor {@code share}, on the worker that runs it. */
    private void runShare(int from, int to, int share) {
      if (shareInputs[share] == null) {
        shareInputs[share] = inputs.images(from, to - from);
        shareProbabilities[share] = probabilities.images(from, to - from);
      }
      Tensor in = shareInputs[share];
      Tensor out = shareProbabilities[share];
      if (flatInput != null) {
        backend.upload(flatInput, from * imageSize, in, 0, (to - from) * imageSize);
      } else {
        for (int i = from; i < to; i++) {
          backend.upload(imageInputs.get(i), 0, in, (i - from) * imageSize, imageSize);
        }
      }
      backend.softmax(executors[share].forward(in, false), out);
      backend.download(out, 0, shareResults, from * classes, (to - from) * classes);
    }

    void finish(float[] probabilitiesOut) {
      if (inShares) {
        System.arraycopy(shareResults, 0, probabilitiesOut, 0, batch * classes);
      } else {
        transfer.finishDownload(probabilitiesOut, 0);
      }
    }

    void close() {
      if (transfer != null) {
        transfer.close();
      }
    }
  }
}
