package io.vigil.engine.train;

import java.nio.file.Path;

/** Hears how a training run goes; called on the training thread, so keep it quick. */
public interface TrainingListener {

  /** Called about once a second (not per batch) while an epoch runs. */
  void onProgress(TrainingProgress p);

  /** Called after each epoch, once the test set has been evaluated. */
  default void onEpochEnd(EpochSummary s) {}

  /** Called when a run continues from a checkpoint, before its first epoch. */
  default void onResume(Path checkpoint, int epochsDone) {}

  /** Called after a checkpoint has been written (after each epoch). */
  default void onCheckpoint(Path checkpoint, int epoch) {}

  /** A listener that ignores everything. */
  static TrainingListener silent() {
    return p -> {};
  }
}
