package io.vigil.engine.train;

import java.util.Objects;

/**
 * Settings of one fine-tune ({@link FineTuner#run}): {@code epochs} passes over the new images
 * mixed with {@code replayRatio × newImages} replayed originals, in mini-batches of {@code
 * batchSize}, with {@code optimizer} at a peak rate of {@code learningRate}, on {@code threads} CPU
 * threads of the fine-tune's own; {@code seed} fixes which originals are replayed and the order of
 * every epoch.
 *
 * <p>The rest is fixed: the learning rate follows a one-cycle schedule ({@link
 * LearningRateSchedule.OneCycle}, warm-up over the first 30 % of the steps, then a long anneal);
 * SGD uses momentum 0.9; no weight decay, no augmentation.
 */
public record FineTuneConfig(
    int epochs,
    int batchSize,
    float learningRate,
    OptimizerKind optimizer,
    double replayRatio,
    int threads,
    long seed) {

  static final float MOMENTUM = 0.9f;
  static final float WEIGHT_DECAY = 0f;
  static final LearningRateSchedule SCHEDULE = new LearningRateSchedule.OneCycle(0.3f);

  public FineTuneConfig {
    if (epochs < 1) {
      throw new IllegalArgumentException("fine-tune config: epochs must be ≥ 1, got " + epochs);
    }
    if (batchSize < 1) {
      throw new IllegalArgumentException(
          "fine-tune config: batchSize must be ≥ 1, got " + batchSize);
    }
    if (!(learningRate > 0) || !Float.isFinite(learningRate)) {
      throw new IllegalArgumentException(
          "fine-tune config: learningRate must be positive and finite, got " + learningRate);
    }
    Objects.requireNonNull(optimizer, "fine-tune config: optimizer");
    if (!(replayRatio >= 0) || !Double.isFinite(replayRatio)) {
      throw new IllegalArgumentException(
          "fine-tune config: replayRatio must be ≥ 0 and finite, got " + replayRatio);
    }
    if (threads < 1) {
      throw new IllegalArgumentException("fine-tune config: threads must be ≥ 1, got " + threads);
    }
  }

  /** Defaults chosen by measurement; see the class comment of {@link FineTuner}. */
  public static FineTuneConfig defaults() {
    return new FineTuneConfig(8, 64, 2e-3f, OptimizerKind.ADAM, 2.0, 2, 42L);
  }

  public FineTuneConfig withEpochs(int newEpochs) {
    return new FineTuneConfig(
        newEpochs, batchSize, learningRate, optimizer, replayRatio, threads, seed);
  }

  public FineTuneConfig withLearningRate(float rate) {
    return new FineTuneConfig(epochs, batchSize, rate, optimizer, replayRatio, threads, seed);
  }

  public FineTuneConfig withThreads(int newThreads) {
    return new FineTuneConfig(
        epochs, batchSize, learningRate, optimizer, replayRatio, newThreads, seed);
  }

  public FineTuneConfig withSeed(long newSeed) {
    return new FineTuneConfig(
        epochs, batchSize, learningRate, optimizer, replayRatio, threads, newSeed);
  }

  /** The trainer's settings for this fine-tune. */
  TrainingConfig trainingConfig() {
    return new TrainingConfig(
        epochs,
        batchSize,
        learningRate,
        MOMENTUM,
        WEIGHT_DECAY,
        seed,
        optimizer,
        SCHEDULE,
        Augmentation.NONE);
  }

  /** The number of originals replayed with {@code newImages} new ones. */
  int replayCount(int newImages) {
    return (int) Math.round(replayRatio * newImages);
  }
}
