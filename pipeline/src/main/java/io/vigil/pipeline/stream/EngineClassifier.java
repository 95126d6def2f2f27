package io.vigil.pipeline.stream;

import io.vigil.engine.model.Model;
import io.vigil.engine.model.Predictor;
import io.vigil.pipeline.frame.FrameClassifier;
import io.vigil.pipeline.frame.StreamItem;
import io.vigil.pipeline.result.FrameResult;
import io.vigil.pipeline.result.LabelScore;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * A {@link FrameClassifier} backed by vigil's engine: hands the {@link Predictor} each frame's
 * pixels, which it copies once, straight into the batch the engine reads ({@code batch × C × H ×
 * W}), and ranks each row of softmax probabilities into the {@code topK} best labels. Buffers are
 * allocated once and reused.
 *
 * <p>{@link #submit} and {@link #collect} are the two halves of that: up to {@link
 * Predictor#MAX_IN_FLIGHT} batches may be submitted and not yet collected, and their results come
 * out in the order the batches went in. On a backend that computes beside the host (a GPU), {@link
 * #classify} uses them on the two halves of a large batch: the second half's pixels are copied and
 * uploaded while the first half computes, and the first half is ranked while the second computes.
 * Elsewhere (the CPU backend, an OpenCL device that is the host's CPU) a batch runs whole, as one
 * predict, as it always did.
 *
 * <p>{@link #start} is {@link #submit}, with {@link #collect} as its supplier: the stream keeps up
 * to {@link #maxInFlight()} whole batches in flight across calls ({@link InferenceWindow}) instead
 * of splitting each one. On the CPU that is one batch, submitted and collected at once, as {@link
 * #classify} does.
 */
public final class EngineClassifier implements FrameClassifier {

  /**
   * The input a half must bring for {@link #classify} to split a batch: 1 MiB takes 40–100 µs to
   * cross PCIe at 10–25 GB/s, about what the second forward's extra kernel launches cost (tens of
   * kernels at a few µs each); a smaller half would cost more than its overlap saves. An estimate:
   * not yet measured on a GPU. ResNet-18's 3×224×224 halves reach it at 2 images, LeNet-5's 28×28
   * ones at 335.
   */
  static final long SPLIT_MIN_HALF_BYTES = 1L << 20;

  private final Model model;
  private final Predictor predictor;
  private final int topK;

  /** The pixel arrays of the batch being submitted, refilled for each. */
  private final List<float[]> pixels;

  private final float[] probabilities;

  /** The frames of each batch in flight, oldest first. */
  private final ArrayDeque<List<StreamItem.Frame>> inFlight =
      new ArrayDeque<>(Predictor.MAX_IN_FLIGHT);

  /** The fewest images in each half of a batch that {@link #classify} splits. */
  private final int smallestHalf;

  /** A classifier for batches of up to {@code maxBatch} frames, {@code topK} labels per frame. */
  public EngineClassifier(Model model, int maxBatch, int topK) {
    this(model, maxBatch, topK, false);
  }

  /** As the public constructor; {@code splitEveryBatch} splits batches of two frames and more. */
  EngineClassifier(Model model, int maxBatch, int topK, boolean splitEveryBatch) {
    this.model = model;
    this.predictor = model.newPredictor(maxBatch);
    this.topK = Math.min(topK, predictor.numClasses());
    this.pixels = new ArrayList<>(maxBatch);
    this.probabilities = new float[maxBatch * predictor.numClasses()];
    long imageBytes = 4L * model.input().size();
    if (splitEveryBatch) {
      this.smallestHalf = 1;
    } else if (predictor.computesBesideHost()) {
      this.smallestHalf = (int) ((SPLIT_MIN_HALF_BYTES + imageBytes - 1) / imageBytes);
    } else {
      this.smallestHalf = Integer.MAX_VALUE;
    }
  }

  /** The fewest frames in each half of a batch that {@link #classify} splits (never: MAX_VALUE). */
  int smallestHalf() {
    return smallestHalf;
  }

  @Override
  public List<FrameResult> classify(List<StreamItem.Frame> batch) {
    if (!inFlight.isEmpty()) {
      throw new IllegalStateException(
          "classifier for "
              + model.version()
              + ": classify while "
              + inFlight.size()
              + " submitted batch(es) wait to be collected");
    }
    int n = batch.size();
    int second = n / 2;
    if (second < smallestHalf) {
      submit(batch);
      return collect();
    }
    submit(batch.subList(0, n - second));
    // Copied and uploaded while the first half computes.
    submit(batch.subList(n - second, n));
    List<FrameResult> results = new ArrayList<>(n);
    // The first half is ranked while the second computes.
    results.addAll(collect());
    results.addAll(collect());
    return results;
  }

  /** Submits {@code frames}; the supplier {@link #collect collects} the oldest batch in flight. */
  @Override
  public Supplier<List<FrameResult>> start(List<StreamItem.Frame> frames) {
    submit(frames);
    return this::collect;
  }

  /**
   * {@link Predictor#MAX_IN_FLIGHT} where the predictor computes beside the host, else 1: on the
   * CPU, submit computes the batch, so a second one in flight would only delay the first's results.
   */
  @Override
  public int maxInFlight() {
    return predictor.computesBesideHost() ? Predictor.MAX_IN_FLIGHT : 1;
  }

  /**
   * Starts classifying {@code frames} (at most the batch size); their results come from a later
   * {@link #collect}, in the order of the submits. The pixels are copied into the engine's batch
   * before this returns, and the frames' hold on them released ({@link
   * StreamItem.Frame#releasePixels}): nothing may read a submitted frame's pixels afterwards. The
   * list itself must stay as it is until the collect.
   *
   * @throws IllegalStateException when {@link Predictor#MAX_IN_FLIGHT} batches are in flight
   */
  public void submit(List<StreamItem.Frame> frames) {
    int n = frames.size();
    pixels.clear();
    for (int i = 0; i < n; i++) {
      pixels.add(frames.get(i).pixels());
    }
    try {
      predictor.submit(pixels);
    } finally {
      pixels.clear();
    }
    // The batch has its copy: the frames' pooled buffers can take the next frames' pixels.
    for (int i = 0; i < n; i++) {
      frames.get(i).releasePixels();
    }
    inFlight.add(frames);
  }

  /**
   * The results of the oldest batch submitted and not yet collected, one per frame in its order;
   * waits for the engine to finish it.
   *
   * @throws IllegalStateException when no batch is in flight
   */
  public List<FrameResult> collect() {
    predictor.collect(probabilities);
    List<StreamItem.Frame> frames = inFlight.remove();
    long now = System.nanoTime();
    int n = frames.size();
    List<FrameResult> results = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      StreamItem.Frame frame = frames.get(i);
      results.add(
          new FrameResult(
              frame.stream(),
              frame.index(),
              frame.ptsMicros(),
              model.version(),
              topLabels(i * predictor.numClasses()),
              (now - frame.capturedAtNanos()) / 1e6,
              frame.capturedAtMillis()));
    }
    return results;
  }

  /** The {@code topK} best classes of the row starting at {@code offset}, best first. */
  private List<LabelScore> topLabels(int offset) {
    int classes = predictor.numClasses();
    List<LabelScore> top = new ArrayList<>(topK);
    boolean[] taken = new boolean[classes];
    for (int rank = 0; rank < topK; rank++) {
      int best = -1;
      for (int c = 0; c < classes; c++) {
        if (!taken[c] && (best < 0 || probabilities[offset + c] > probabilities[offset + best])) {
          best = c;
        }
      }
      taken[best] = true;
      top.add(new LabelScore(best, model.classNames().get(best), probabilities[offset + best]));
    }
    return top;
  }

  @Override
  public String modelVersion() {
    return model.version();
  }

  @Override
  public List<String> classNames() {
    return model.classNames();
  }

  @Override
  public void close() {
    inFlight.clear();
    predictor.close();
  }
}
