package io.vigil.engine.train;

import io.vigil.engine.backend.Backend;
import io.vigil.engine.backend.cpu.CpuBackend;
import io.vigil.engine.data.LabeledImages;
import io.vigil.engine.layer.StateTensor;
import io.vigil.engine.model.InputContract;
import io.vigil.engine.model.Model;
import io.vigil.engine.model.Provenance;
import io.vigil.engine.network.Network;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Fine-tunes a copy of a model on labeled images of a changed scene, with a replay buffer of the
 * original data so that it learns the new scene without forgetting the old one, and judges the
 * result with a validation gate ({@link GateConfig}).
 *
 * <p>One run: copy the base model's network onto a CPU backend of the fine-tune's own; evaluate it
 * (that is, the base) on the new scene's held-out frames and on the original test data; train the
 * copy ({@link Trainer}) on the new images mixed with {@code replayRatio × newImages} originals
 * from the replay pool, other ones every epoch ({@link ReplayMix}); evaluate the candidate on both
 * again; apply the gate. Everything runs on the calling thread and the fine-tune backend's workers:
 * the base model, its network and its backend are only read (its weights, once), so it may keep
 * serving on other threads. The defaults and the figures they reach are in {@link
 * FineTuneConfig#defaults()}.
 */
public final class FineTuner {

  /**
   * The fine-tune backends, one per thread count, made on first use and kept: a CPU backend's
   * workers live as long as the process. Fine-tunes with the same thread count running at once
   * share one; its workers then take one call at a time and the other caller runs its shares alone.
   */
  private static final Map<Integer, CpuBackend> BACKENDS = new ConcurrentHashMap<>();

  private FineTuner() {}

  /**
   * Fine-tunes a copy of {@code base} (base and its network are left untouched and may keep serving
   * on other threads) on {@code newTrain} mixed, every epoch, with {@code round(replayRatio ×
   * newTrain.count())} other images of {@code replayPool} (drawn from the seed without replacement
   * while the pool lasts), on a CPU backend of {@code config.threads()} threads of its own; then
   * evaluates base and candidate on {@code newHoldout} and {@code originalTest} and applies the
   * gate. The candidate has the base's name, input contract and class names, and provenance with
   * {@code parentVersion = base.version()}, the candidate's accuracy on {@code originalTest}, and
   * the gate's reason in its notes. {@code pacer} is asked before every training mini-batch (the
   * evaluations, a fraction of a second for 10,000 LeNet-5 images, are not paced); {@code listener}
   * hears the training run, its test figures on {@code newHoldout}.
   *
   * @throws IllegalArgumentException when a set's images are not the model's height × width (the
   *     message names the set and both sizes), a label is not one of the model's classes, {@code
   *     newTrain}, {@code newHoldout} or {@code originalTest} is empty, or there are originals to
   *     replay but the pool is empty or has other channels than the new images
   * @throws IllegalStateException when training diverges (the message names the epoch and the loss)
   * @throws TrainingCancelledException when the pacer cancels the run
   */
  public static FineTuneResult run(
      Model base,
      LabeledImages newTrain,
      LabeledImages newHoldout,
      LabeledImages replayPool,
      LabeledImages originalTest,
      FineTuneConfig config,
      GateConfig gate,
      TrainingPacer pacer,
      TrainingListener listener) {
    Objects.requireNonNull(base, "base model");
    Objects.requireNonNull(newTrain, "new training frames");
    Objects.requireNonNull(newHoldout, "new held-out frames");
    Objects.requireNonNull(replayPool, "replay pool");
    Objects.requireNonNull(originalTest, "original test data");
    Objects.requireNonNull(config, "fine-tune config");
    Objects.requireNonNull(gate, "gate config");
    Objects.requireNonNull(pacer, "pacer");
    Objects.requireNonNull(listener, "listener");
    InputContract contract = base.input();
    int classes = base.classNames().size();
    requireImages("new training frames", newTrain);
    requireImages("new held-out frames", newHoldout);
    requireImages("original test data", originalTest);
    FineTuneData.check("new training frames", newTrain, contract, classes);
    FineTuneData.check("new held-out frames", newHoldout, contract, classes);
    FineTuneData.check("replay pool", replayPool, contract, classes);
    FineTuneData.check("original test data", originalTest, contract, classes);
    int replayCount = config.replayCount(newTrain.count());
    ReplayMix mix =
        new ReplayMix(newTrain, replayPool, replayCount, config.epochs(), config.seed());

    Network network;
    // Held while its weights are read, so that a swap closing it meanwhile cannot free them.
    try (Model.Hold held = base.hold()) {
      network = copy(base.network(), backend(config.threads()));
    }
    try {
      // The same name, graph and weights: the same version as the base, evaluated on our threads.
      Model before =
          Model.create(base.name(), network, contract, base.classNames(), base.provenance());
      double newBefore = Evaluation.evaluate(before, newHoldout).accuracy();
      double originalBefore = Evaluation.evaluate(before, originalTest).accuracy();

      TrainingResult training;
      try {
        training =
            new Trainer(network, contract, config.trainingConfig())
                .optPacer(pacer)
                .fit(mix.count(), mix, newHoldout, listener);
      } catch (IllegalStateException e) {
        throw new IllegalStateException(
            "fine-tune of " + base.version() + ": " + e.getMessage(), e);
      }
      Model trained =
          Model.create(base.name(), network, contract, base.classNames(), base.provenance());
      double newAfter = training.testAccuracy();
      double originalAfter = Evaluation.evaluate(trained, originalTest).accuracy();
      GateVerdict verdict = gate.judge(newBefore, newAfter, originalBefore, originalAfter);

      Provenance provenance =
          new Provenance(
              String.format(
                  Locale.ROOT,
                  "fine-tune: %d new images + %d replayed per epoch (%d distinct)",
                  newTrain.count(),
                  replayCount,
                  mix.distinctReplayed()),
              config.epochs(),
              originalAfter,
              base.version(),
              Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(),
              verdict.reason() + "; " + config);
      Model candidate = Model.create(base.name(), network, contract, base.classNames(), provenance);
      return new FineTuneResult(candidate, verdict, training, newTrain.count(), replayCount);
    } catch (RuntimeException | Error e) {
      // The candidate model owns the copy once made; a run that fails before frees it here.
      network.close();
      throw e;
    }
  }

  /**
   * Splits labeled frames into a training and a held-out part (in that order) in contiguous blocks
   * of {@code blockSize} frames (the last may be shorter): consecutive frames of a clip show the
   * same item, so a block is never split between the two. About {@code holdoutFraction} of the
   * blocks ({@code round(fraction × blocks)}, at least one and at most all but one) are held out,
   * chosen from {@code seed}; each part keeps the frames in their original order.
   *
   * @throws IllegalArgumentException when the fraction is not in (0, 1), {@code blockSize < 1}, or
   *     the frames make fewer than two blocks
   */
  public static LabeledImages[] splitHoldout(
      LabeledImages frames, double holdoutFraction, int blockSize, long seed) {
    Objects.requireNonNull(frames, "frames");
    return FineTuneData.splitHoldout(frames, holdoutFraction, blockSize, seed);
  }

  private static void requireImages(String set, LabeledImages images) {
    if (images.count() == 0) {
      throw new IllegalArgumentException(set + ": no images");
    }
  }

  private static CpuBackend backend(int threads) {
    return BACKENDS.computeIfAbsent(threads, CpuBackend::new);
  }

  /**
   * A network of the same graph on {@code backend} with the weights (and any non-trainable state)
   * of {@code source}, which is only read.
   */
  static Network copy(Network source, Backend backend) {
    Network copy = Network.fromSpec(source.spec(), backend);
    List<StateTensor> from = source.savedTensors();
    List<StateTensor> to = copy.savedTensors();
    for (int i = 0; i < from.size(); i++) {
      int size = from.get(i).value().size();
      float[] values = new float[size];
      source.backend().download(from.get(i).value(), 0, values, 0, size);
      backend.upload(values, 0, to.get(i).value(), 0, size);
    }
    return copy;
  }
}
