package io.vigil.engine.train;

/** Hears how a training run goes; called on the training thread, so keep it quick. */
public interface TrainingListener {

  /** Called about once a second (not per batch) while an epoch runs. */
  void onProgress(TrainingProgress p);

  /** Called after each epoch, once the test set has been evaluated. */
  default void onEpochEnd(EpochSummary s) {}

  /** A listener that ignores everything. */
  static TrainingListener silent() {
    return p -> {};
  }
}
