package io.vigil.pipeline.cli;

import io.vigil.engine.model.Model;
import io.vigil.pipeline.analyze.AnalyzeSettings;
import io.vigil.pipeline.frame.FrameClassifier;
import io.vigil.pipeline.stream.EngineClassifier;
import io.vigil.pipeline.window.WindowMapClassifier;
import io.vigil.pipeline.window.WindowScorer;

/** The engine classifier an offline run uses: whole frames, plus windows when the settings ask. */
final class OfflineClassifier {

  private OfflineClassifier() {}

  /**
   * @throws IllegalArgumentException naming the model when windows are asked for and the model
   *     cannot score them (no fully connected head, say); before any engine buffer is allocated
   */
  static FrameClassifier create(Model model, AnalyzeSettings settings) {
    WindowScorer windows = settings.windows() == null ? null : new WindowScorer(model);
    FrameClassifier wholeFrames = new EngineClassifier(model, settings.maxBatch(), settings.topK());
    return windows == null
        ? wholeFrames
        : new WindowMapClassifier(wholeFrames, windows, model, settings.windows());
  }
}
