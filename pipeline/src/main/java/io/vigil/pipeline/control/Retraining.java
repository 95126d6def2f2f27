package io.vigil.pipeline.control;

import io.vigil.engine.model.Model;
import io.vigil.engine.train.FineTuneResult;
import io.vigil.engine.train.TrainingPacer;
import java.nio.file.Path;
import java.util.List;

/**
 * One retraining: labeled clips in, a candidate model and the gate's verdict out. The trainer actor
 * runs it on a thread of its own; {@link ClipRetraining} is the real one, tests give fakes.
 */
@FunctionalInterface
public interface Retraining {

  /**
   * Fine-tunes a copy of {@code base} on {@code clips}. Clips that cannot be used are reported in
   * the outcome, not thrown; anything thrown (a diverging loss, an out-of-memory, a clip that broke
   * the decoder) is a failed training, which restarts the trainer.
   *
   * @param pacer called before every training batch; pauses while real time needs the CPU and
   *     throws {@link InterruptedException} when the training is abandoned
   */
  Outcome retrain(Model base, List<Path> clips, TrainingPacer pacer) throws Exception;

  /**
   * What a retraining gave.
   *
   * @param result the fine-tune and the gate's verdict; null when no clip was usable
   * @param used the clips trained on
   * @param rejected the clips that could not be used, with why
   */
  record Outcome(FineTuneResult result, List<Path> used, List<Rejected> rejected) {}

  /** A clip that cannot be used, and why (one line naming what is wrong). */
  record Rejected(Path clip, String reason) {}
}
