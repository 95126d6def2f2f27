package io.vigil.pipeline.control;

import io.vigil.engine.data.LabeledImages;
import io.vigil.engine.model.Model;
import io.vigil.engine.train.FineTuneResult;
import io.vigil.engine.train.FineTuner;
import io.vigil.engine.train.TrainingListener;
import io.vigil.engine.train.TrainingPacer;
import io.vigil.pipeline.video.ClipRejectedException;
import io.vigil.pipeline.video.LabeledClips;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The real {@link Retraining}: decodes each labeled clip at the model's input size ({@link
 * LabeledClips}; a clip that cannot be used is reported, not thrown), holds out part of the new
 * frames for the gate, and fine-tunes a copy of the model with earlier data replayed ({@link
 * FineTuner}). The replay and original test data are read once, on first use, and kept.
 */
public final class ClipRetraining implements Retraining {

  private final RetrainSettings settings;
  private final Function<String, Path> resolve;
  private final TrainingListener listener;
  private LabeledImages replay;
  private LabeledImages originalTest;
  private String loadedFor;

  /**
   * @param resolve turns a relative path of the configuration into a file
   * @param listener hears the fine-tune's progress (on the training thread)
   */
  public ClipRetraining(
      RetrainSettings settings, Function<String, Path> resolve, TrainingListener listener) {
    this.settings = settings;
    this.resolve = resolve;
    this.listener = listener;
  }

  @Override
  public Outcome retrain(Model base, List<Path> clips, TrainingPacer pacer) throws IOException {
    List<LabeledImages> frames = new ArrayList<>();
    List<Path> used = new ArrayList<>();
    List<Rejected> rejected = new ArrayList<>();
    for (Path clip : clips) {
      try {
        frames.add(LabeledClips.read(clip, base.input(), base.classNames()));
        used.add(clip);
      } catch (ClipRejectedException e) {
        rejected.add(new Rejected(clip, e.reason()));
      }
    }
    if (frames.isEmpty()) {
      return new Outcome(null, used, rejected);
    }
    LabeledImages all = LabeledData.concat(frames);
    LabeledImages[] split =
        FineTuner.splitHoldout(
            all, settings.holdout(), settings.holdoutBlock(), settings.fineTune().seed());
    loadData(base);
    FineTuneResult result =
        FineTuner.run(
            base,
            split[0],
            split[1],
            replay,
            originalTest,
            settings.fineTune(),
            settings.gate(),
            pacer,
            listener);
    return new Outcome(result, used, rejected);
  }

  /** Reads the replay and original test data for models of {@code base}'s input, once. */
  private void loadData(Model base) throws IOException {
    String key = base.input() + " " + base.classNames();
    if (key.equals(loadedFor)) {
      return;
    }
    replay = LabeledData.load(settings.replay(), base.input(), base.classNames(), resolve);
    originalTest =
        LabeledData.load(settings.originalTest(), base.input(), base.classNames(), resolve);
    loadedFor = key;
  }
}
