package io.vigil.engine.train;

import io.vigil.engine.backend.Backend;
import io.vigil.engine.data.ImageTensors;
import io.vigil.engine.data.LabeledImages;
import io.vigil.engine.loss.SoftmaxCrossEntropy;
import io.vigil.engine.model.InputContract;
import io.vigil.engine.model.Model;
import io.vigil.engine.model.Provenance;
import io.vigil.engine.network.Network;
import io.vigil.engine.network.NetworkExecutor;
import io.vigil.engine.tensor.Tensor;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Random;

/**
 * Trains a classification network with softmax cross-entropy and {@link Sgd}: each epoch visits the
 * training images once in an order shuffled from {@code seed + epoch}, in mini-batches of {@code
 * batchSize} (the last may be smaller), then evaluates on the test images. The backend spreads each
 * batch over its threads. Not thread-safe; trains the network in place.
 */
public final class Trainer {

  private static final long PROGRESS_INTERVAL_NANOS = 1_000_000_000L;

  private final Network network;
  private final InputContract input;
  private final TrainingConfig config;

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

  public TrainingResult fit(LabeledImages train, LabeledImages test, TrainingListener listener) {
    Objects.requireNonNull(listener, "listener");
    if (train.count() == 0) {
      throw new IllegalArgumentException("trainer: the training set is empty");
    }
    Backend backend = network.backend();
    int classes = network.outputShape().perImage();
    int batchSize = config.batchSize();
    NetworkExecutor executor = network.newExecutor(batchSize, true);
    SoftmaxCrossEntropy loss = new SoftmaxCrossEntropy(backend, classes, batchSize);
    Sgd sgd = new Sgd(backend, network.parameters(), config);
    Tensor inputs = backend.allocate(network.inputShape().withBatch(batchSize));
    Tensor dLogits = backend.allocate(network.outputShape().withBatch(batchSize));
    float[] hostInputs = new float[batchSize * input.size()];
    int[] hostLabels = new int[batchSize];
    int[] order = new int[train.count()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    network.zeroGradients();

    long start = System.nanoTime();
    long totalSamples = (long) config.epochs() * train.count();
    double epochLoss = 0;
    EvaluationResult evaluation = null;
    for (int epoch = 1; epoch <= config.epochs(); epoch++) {
      shuffle(order, new Random(config.seed() + epoch));
      double lossSum = 0;
      long nextReport = System.nanoTime() + PROGRESS_INTERVAL_NANOS;
      for (int first = 0; first < order.length; first += batchSize) {
        int n = Math.min(batchSize, order.length - first);
        for (int i = 0; i < n; i++) {
          int image = order[first + i];
          ImageTensors.normalise(train, image, input, hostInputs, i * input.size());
          hostLabels[i] = train.labels()[image];
        }
        Tensor batchInputs = n == batchSize ? inputs : inputs.firstImages(n);
        Tensor batchGrad = n == batchSize ? dLogits : dLogits.firstImages(n);
        backend.upload(hostInputs, 0, batchInputs, 0, n * input.size());
        Tensor logits = executor.forward(batchInputs, true);
        double batchLoss = loss.forward(logits, hostLabels);
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
        loss.backward(batchGrad);
        executor.backward(batchGrad);
        sgd.step();
        long now = System.nanoTime();
        if (now >= nextReport) {
          nextReport = now + PROGRESS_INTERVAL_NANOS;
          long done = first + n;
          long doneTotal = (long) (epoch - 1) * train.count() + done;
          double seconds = (now - start) / 1e9;
          double rate = doneTotal / seconds;
          listener.onProgress(
              new TrainingProgress(
                  epoch,
                  config.epochs(),
                  done,
                  train.count(),
                  rate,
                  lossSum / done,
                  Duration.ofMillis((long) ((totalSamples - doneTotal) / rate * 1000))));
        }
      }
      epochLoss = lossSum / train.count();
      evaluation = evaluate(test);
      listener.onEpochEnd(
          new EpochSummary(
              epoch, config.epochs(), epochLoss, evaluation.accuracy(), elapsedSince(start)));
    }
    return new TrainingResult(
        evaluation.accuracy(),
        epochLoss,
        elapsedSince(start),
        config.epochs(),
        evaluation.confusion());
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
