package io.vigil.engine.train;

import io.vigil.engine.data.LabeledImages;
import io.vigil.engine.model.InputContract;
import io.vigil.engine.model.Model;
import io.vigil.engine.model.Provenance;
import io.vigil.engine.network.Network;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.function.IntFunction;

/**
 * Trains a classification network with softmax cross-entropy and the configured optimizer (SGD with
 * momentum or Adam): each epoch visits the training images once in an order shuffled from {@code
 * seed + epoch}, augmented if asked, in mini-batches of {@code batchSize} (the last may be
 * smaller), at the schedule's learning rate for that step, then evaluates on the test images. The
 * backend spreads each batch over its threads: one share of images per worker where that is exact
 * ({@link SharedBatchPass}), else each op split between them. A {@link TrainingPacer} ({@link
 * #optPacer}) is asked before every mini-batch and may pause, slow or cancel the run. Not
 * thread-safe; trains the network in place.
 */
public final class Trainer {

  private static final long PROGRESS_INTERVAL_NANOS = 1_000_000_000L;

  private final Network network;
  private final InputContract input;
  private final TrainingConfig config;
  private Path checkpoint;
  private TrainingPacer pacer = TrainingPacer.NONE;

  public Trainer(Network network, InputContract input, TrainingConfig config) {
    this.network = Objects.requireNonNull(network, "network");
    this.input = Objects.requireNonNull(input, "input contract");
    this.config = Objects.requireNonNull(config, "training config");
    if (network.inputShape().perImage() != input.size()) {
      throw new IllegalArgumentException(
          "trainer: network takes "
              + network.inputShape()
              + " images but the input contract has "
              + input.size()
              + " values per image");
    }
  }

  /**
   * Writes a {@link Checkpoint} to {@code file} after every epoch and, if {@code file} already
   * holds one of this network and these settings, continues from it instead of starting over.
   */
  public Trainer optCheckpoint(Path file) {
    this.checkpoint = Objects.requireNonNull(file, "checkpoint file");
    return this;
  }

  /**
   * Calls {@code pacer} before every mini-batch (default {@link TrainingPacer#NONE}): it may block
   * to pause training or wait to throttle it, or throw {@link InterruptedException} to cancel it
   * ({@link #fit} then throws {@link TrainingCancelledException}).
   */
  public Trainer optPacer(TrainingPacer pacer) {
    this.pacer = Objects.requireNonNull(pacer, "pacer");
    return this;
  }

  /**
   * Trains for the configured epochs (fewer when resuming from a checkpoint) and evaluates on
   * {@code test} after each.
   *
   * @throws UncheckedIOException when the checkpoint cannot be read or written
   * @throws IllegalStateException when the loss of a mini-batch is not finite (naming the epoch,
   *     the sample and the loss)
   * @throws TrainingCancelledException when the pacer throws {@link InterruptedException}; the
   *     thread's interrupt flag is set again
   */
  public TrainingResult fit(LabeledImages train, LabeledImages test, TrainingListener listener) {
    Objects.requireNonNull(train, "training set");
    return fit(train.count(), epoch -> train, test, listener);
  }

  /**
   * As {@link #fit(LabeledImages, LabeledImages, TrainingListener)}, but epoch {@code e} (1-based)
   * trains on {@code epochSets.apply(e)}, which must hold {@code count} images: a fine-tune replays
   * other originals every epoch. The trainer asks for each epoch's set when the epoch starts and
   * reads it only during that epoch. Resuming from a checkpoint is exact when the sets depend on
   * the epoch alone.
   */
  TrainingResult fit(
      int count,
      IntFunction<LabeledImages> epochSets,
      LabeledImages test,
      TrainingListener listener) {
    Objects.requireNonNull(epochSets, "epoch sets");
    Objects.requireNonNull(listener, "listener");
    if (count == 0) {
      throw new IllegalArgumentException("trainer: the training set is empty");
    }
    // The pass and the optimizer state belong to this run: freed when it ends, however it ends.
    try (BatchPass pass = newPass();
        Optimizer optimizer =
            config.optimizer().create(network.backend(), network.parameters(), config)) {
      return fit(count, epochSets, test, listener, pass, optimizer);
    }
  }

  private BatchPass newPass() {
    int batchSize = config.batchSize();
    return SharedBatchPass.suits(network, batchSize)
        ? new SharedBatchPass(network, batchSize)
        : new WholeBatchPass(network, batchSize);
  }

  private TrainingResult fit(
      int count,
      IntFunction<LabeledImages> epochSets,
      LabeledImages test,
      TrainingListener listener,
      BatchPass pass,
      Optimizer optimizer) {
    int batchSize = config.batchSize();
    float[] hostInputs = new float[batchSize * input.size()];
    int[] hostLabels = new int[batchSize];
    int[] order = new int[count];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    network.zeroGradients();
    int epochsDone = resume(optimizer, listener);
    for (int epoch = 1; epoch <= epochsDone; epoch++) {
      // Each epoch shuffles the previous epoch's order: replay the epochs a checkpoint skipped so
      // that a resumed run visits the images exactly as an uninterrupted one would.
      shuffle(order, new Random(config.seed() + epoch));
    }

    long start = System.nanoTime();
    long totalSamples = (long) (config.epochs() - epochsDone) * count;
    double epochLoss = Double.NaN;
    EvaluationResult evaluation = null;
    long batchesDone = 0;
    for (int epoch = epochsDone + 1; epoch <= config.epochs(); epoch++) {
      shuffle(order, new Random(config.seed() + epoch));
      LabeledImages train = epochSet(epochSets, epoch, count);
      SampleWriter samples = new SampleWriter(train, input, config.augmentation());
      // Augmentation draws from its own generator, so turning it on leaves the order unchanged.
      Random augmentRandom = new Random(config.seed() * 1_000_003L + epoch);
      double lossSum = 0;
      long nextReport = System.nanoTime() + PROGRESS_INTERVAL_NANOS;
      for (int first = 0; first < order.length; first += batchSize) {
        pace(epoch, batchesDone);
        int n = Math.min(batchSize, order.length - first);
        for (int i = 0; i < n; i++) {
          int image = order[first + i];
          samples.write(image, augmentRandom, hostInputs, i * input.size());
          hostLabels[i] = train.labels()[image];
        }
        double batchLoss = pass.run(hostInputs, hostLabels, n) / n;
        if (!Double.isFinite(batchLoss)) {
          throw new IllegalStateException(
              "training diverged in epoch "
                  + epoch
                  + " at sample "
                  + first
                  + ": loss is "
                  + batchLoss
                  + "; lower the learning rate (now "
                  + config.learningRate()
                  + ")");
        }
        lossSum += batchLoss * n;
        optimizer.step(config.rateAt(epoch, first / (double) order.length));
        batchesDone++;
        long now = System.nanoTime();
        if (now >= nextReport) {
          nextReport = now + PROGRESS_INTERVAL_NANOS;
          long done = first + n;
          long doneTotal = (long) (epoch - 1 - epochsDone) * count + done;
          double seconds = (now - start) / 1e9;
          double rate = doneTotal / seconds;
          listener.onProgress(
              new TrainingProgress(
                  epoch,
                  config.epochs(),
                  done,
                  count,
                  rate,
                  lossSum / done,
                  TrainingProgress.estimate(doneTotal, totalSamples, seconds)));
        }
      }
      epochLoss = lossSum / count;
      evaluation = evaluate(test);
      listener.onEpochEnd(
          new EpochSummary(
              epoch, config.epochs(), epochLoss, evaluation.accuracy(), elapsedSince(start)));
      if (checkpoint != null) {
        saveCheckpoint(optimizer, epoch);
        listener.onCheckpoint(checkpoint, epoch);
      }
    }
    if (evaluation == null) {
      // Every epoch was done before an interruption: only the evaluation is left.
      evaluation = evaluate(test);
    }
    return new TrainingResult(
        evaluation.accuracy(),
        epochLoss,
        elapsedSince(start),
        config.epochs(),
        evaluation.confusion());
  }

  private static LabeledImages epochSet(
      IntFunction<LabeledImages> epochSets, int epoch, int count) {
    LabeledImages set = Objects.requireNonNull(epochSets.apply(epoch), "training set of epoch");
    if (set.count() != count) {
      throw new IllegalArgumentException(
          "trainer: the training set of epoch "
              + epoch
              + " holds "
              + set.count()
              + " images, not "
              + count);
    }
    return set;
  }

  private void pace(int epoch, long batchesDone) {
    try {
      pacer.beforeBatch();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TrainingCancelledException(epoch, batchesDone, e);
    }
  }

  private int resume(Optimizer optimizer, TrainingListener listener) {
    if (checkpoint == null || !Files.exists(checkpoint)) {
      return 0;
    }
    try {
      int done = Checkpoint.restore(checkpoint, network, optimizer, config);
      listener.onResume(checkpoint, done);
      return done;
    } catch (IOException e) {
      throw new UncheckedIOException(e.getMessage(), e);
    }
  }

  private void saveCheckpoint(Optimizer optimizer, int epoch) {
    try {
      Checkpoint.save(checkpoint, network, optimizer, config, epoch);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write checkpoint " + checkpoint + ": " + e, e);
    }
  }

  private EvaluationResult evaluate(LabeledImages test) {
    int classes = network.outputShape().perImage();
    List<String> names =
        java.util.stream.IntStream.range(0, classes).mapToObj(Integer::toString).toList();
    // A throwaway model only to reuse Evaluation; its version is never published.
    Model snapshot =
        Model.create("training", network, input, names, new Provenance("", 0, 0, null, "", ""));
    return Evaluation.evaluate(snapshot, test);
  }

  private static Duration elapsedSince(long startNanos) {
    return Duration.ofNanos(System.nanoTime() - startNanos);
  }

  /** Fisher–Yates with a seeded generator, so the order depends on the seed alone. */
  private static void shuffle(int[] order, Random random) {
    for (int i = order.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
  }
}
