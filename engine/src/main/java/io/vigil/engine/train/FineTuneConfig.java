package io.vigil.engine.train;

import java.util.Objects;

/**
 * Settings of one fine-tune ({@link FineTuner#run}): {@code epochs} passes over the new images
 * mixed with {@code replayRatio × newImages} replayed originals, in mini-batches of {@code
 * batchSize}, with {@code optimizer} at a peak rate of {@code learningRate}, on {@code threads} CPU
 * threads of the fine-tune's own; {@code seed} fixes which originals are replayed and the order of
 * every epoch.
 *
 * <p>Each epoch replays other originals (see {@link ReplayMix}): that is what keeps the original
 * scene from being forgotten. The rest is fixed: the learning rate follows a one-cycle schedule
 * ({@link LearningRateSchedule.OneCycle}: a warm-up over the first 30 % of the steps, then a long
 * anneal), SGD uses momentum 0.9, no weight decay, no augmentation (a shift of one pixel changed
 * nothing).
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

  /**
   * 8 epochs of batch 64, Adam at a peak rate of 2·10⁻³, two replayed originals per new image, 2
   * threads, seed 42. Chosen by measurement ({@code bench/engine/finetune.sh}): the shipped LeNet-5
   * (91.19 % on the Fashion-MNIST test set, 16.6 % on it inverted) fine-tuned on 6,000 inverted
   * training images reaches 86.7 % on the inverted test set and keeps 91.2 % on the original
   * (86.2–86.7 % and 91.1–91.4 % over other seeds and other images), in about 14 CPU seconds.
   * Against that: the same originals every epoch instead of fresh ones, 86.2 % and 90.2 %; a
   * constant rate instead of one-cycle, 85.1 % and 89.7 %; Adam at a constant 10⁻³ for 5 epochs
   * with the same originals 1:1 (a common recipe), 85.7 % and 89.4 %; one original per new image,
   * 86.3 % and 90.7 %; three, 86.5 % and 91.3 %; a peak of 3·10⁻³, 86.6–87.1 % and 90.8–91.2 %; SGD
   * at 0.02, 86.8 % and 91.0 %; 12 epochs, 86.4 % and 91.4 %.
   */
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
