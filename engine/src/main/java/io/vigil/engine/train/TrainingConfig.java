package io.vigil.engine.train;

/**
 * Hyperparameters of a training run with mini-batch SGD and momentum:
 *
 * <pre>
 *   v ← momentum·v − learningRate·(∇L + weightDecay·w)
 *   w ← w + v
 * </pre>
 *
 * {@code seed} fixes the shuffling of each epoch, so a run is reproducible on the same machine.
 */
public record TrainingConfig(
    int epochs, int batchSize, float learningRate, float momentum, float weightDecay, long seed) {

  public TrainingConfig {
    if (epochs < 1) {
      throw new IllegalArgumentException("training config: epochs must be ≥ 1, got " + epochs);
    }
    if (batchSize < 1) {
      throw new IllegalArgumentException(
          "training config: batchSize must be ≥ 1, got " + batchSize);
    }
    if (!(learningRate > 0) || !Float.isFinite(learningRate)) {
      throw new IllegalArgumentException(
          "training config: learningRate must be positive and finite, got " + learningRate);
    }
    if (!(momentum >= 0 && momentum < 1)) {
      throw new IllegalArgumentException(
          "training config: momentum must be in [0, 1), got " + momentum);
    }
    if (!(weightDecay >= 0) || !Float.isFinite(weightDecay)) {
      throw new IllegalArgumentException(
          "training config: weightDecay must be ≥ 0 and finite, got " + weightDecay);
    }
  }

  /**
   * 10 epochs of batch 64, learning rate 0.01, momentum 0.9, weight decay 5·10⁻⁴, seed 42: LeNet-5
   * reaches about 90% on Fashion-MNIST with these (0.05 trains visibly noisier).
   */
  public static TrainingConfig defaults() {
    return new TrainingConfig(10, 64, 0.01f, 0.9f, 5e-4f, 42L);
  }

  public TrainingConfig withEpochs(int newEpochs) {
    return new TrainingConfig(newEpochs, batchSize, learningRate, momentum, weightDecay, seed);
  }
}
