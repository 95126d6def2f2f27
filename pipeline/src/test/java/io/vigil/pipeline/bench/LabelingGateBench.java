package io.vigil.pipeline.bench;

import com.typesafe.config.ConfigFactory;
import io.vigil.engine.data.LabeledImages;
import io.vigil.engine.model.InputContract;
import io.vigil.engine.model.Model;
import io.vigil.engine.model.ModelFile;
import io.vigil.engine.model.Predictor;
import io.vigil.engine.train.FineTuneResult;
import io.vigil.engine.train.TrainingListener;
import io.vigil.engine.train.TrainingPacer;
import io.vigil.pipeline.control.ClipRetraining;
import io.vigil.pipeline.control.RetrainSettings;
import io.vigil.pipeline.frame.StreamItem;
import io.vigil.pipeline.result.FrameResult;
import io.vigil.pipeline.result.LabelScore;
import io.vigil.pipeline.service.LabelingItem;
import io.vigil.pipeline.service.LabelingQueue;
import io.vigil.pipeline.service.LabelingSettings;
import io.vigil.pipeline.video.LabeledClips;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What the gate makes of a clip of people's labels (an experiment, not a test): plays a quarter of
 * the inverted part of {@code samples/retrain/scene-change.mp4} (frames 450 to 3599) through the
 * sample model into a {@link LabelingQueue} (one clip of up to 100 labels), labels the frames it
 * keeps with their true labels (a person who is always right), and runs one retraining on that clip
 * as the trainer does ({@link ClipRetraining} with reference.conf's data: 0.2 held out in blocks of
 * 10, Fashion-MNIST train replayed, the gate judged on the Fashion-MNIST test set), for each of
 * four disjoint quarters and four fine-tunes. Prints each verdict. Needs the dataset-fashion-mnist
 * package.
 *
 * <p>Run with {@code bench/pipeline/labeling-gate.sh}.
 */
public final class LabelingGateBench {

  private static final int CHANGE = 450;

  private LabelingGateBench() {}

  public static void main(String[] args) throws Exception {
    Path root = Path.of("").toAbsolutePath();
    Model model = ModelFile.load(root.resolve("models/lenet5-fashion.vgl"));
    InputContract contract = model.input();
    List<String> classes = model.classNames();
    LabeledImages scene =
        LabeledClips.read(root.resolve("samples/retrain/scene-change.mp4"), contract, classes);
    System.out.printf(
        "vigil labeling-gate bench: %d cores, Java %s; model %s; replay and gate data as"
            + " reference.conf (Fashion-MNIST train and test)%n",
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.version"),
        model.version());
    // The default fine-tune, config/serve.conf's, and two in between.
    String[] configs = {
      "",
      "vigil.retrain.fine-tune { learning-rate = 0.0002, replay-ratio = 4.0 }",
      "vigil.retrain.fine-tune { learning-rate = 0.0005, replay-ratio = 4.0, epochs = 20 }",
      "vigil.retrain.fine-tune { learning-rate = 0.0002, replay-ratio = 4.0, epochs = 30 }",
    };
    Path work = Files.createTempDirectory("vigil-gate-exp");
    for (String fineTune : configs) {
      RetrainSettings retrain =
          RetrainSettings.from(
              ConfigFactory.parseString(fineTune).withFallback(ConfigFactory.load()).resolve(),
              Path::of);
      for (int part = 0; part < 4; part++) {
        int frames = 100;
        LabelingSettings settings = new LabelingSettings(0.5, 0.15, frames, 3, 128, frames, 20, 10);
        LabelingQueue queue =
            new LabelingQueue(
                contract, classes, work.resolve(fineTune.hashCode() + "-" + part), settings);
        play(model, scene, queue, part);
        Path clip = null;
        List<LabelingItem> items = queue.snapshot().streams().get("scene");
        for (LabelingItem item : items) {
          String truth = classes.get(scene.labels()[(int) item.frame()]);
          LabelingQueue.LabelOutcome outcome = queue.label(item.id(), truth);
          clip = outcome.clip() != null ? outcome.clip() : clip;
        }
        if (clip == null) {
          clip = queue.submit().clip();
        }
        long t0 = System.nanoTime();
        FineTuneResult result =
            new ClipRetraining(retrain, Path::of, TrainingListener.silent())
                .retrain(model, List.of(clip), TrainingPacer.NONE)
                .result();
        System.out.printf(
            Locale.ROOT,
            "%s | part %d | %d labels | %.1f s | %s%n",
            fineTune.isEmpty() ? "defaults" : fineTune,
            part,
            items.size(),
            (System.nanoTime() - t0) / 1e9,
            result.verdict().reason());
      }
    }
  }

  /** The inverted frames through the model, into the queue's taps, as a stream would. */
  private static void play(Model model, LabeledImages scene, LabelingQueue queue, int part) {
    InputContract contract = model.input();
    int size = contract.size();
    float[] probabilities = new float[model.classNames().size()];
    try (Predictor predictor = model.newPredictor(1)) {
      for (int f = CHANGE; f < scene.count(); f++) {
        // Four disjoint quarters of the scene's pictures: four people labeling different frames.
        if ((f / 3) % 4 != part) {
          continue;
        }
        float[] input = new float[size];
        for (int i = 0; i < size; i++) {
          input[i] = contract.normalise((scene.pixels()[f * size + i] & 0xff) / 255f);
        }
        predictor.predict(input, 1, probabilities);
        queue.frame(new StreamItem.Frame("scene", f, 0, 0, 0, input));
        queue.result(
            new FrameResult("scene", f, 0, model.version(), top3(probabilities, model), 1.0));
      }
    }
  }

  private static List<LabelScore> top3(float[] probabilities, Model model) {
    List<LabelScore> top = new ArrayList<>(3);
    boolean[] taken = new boolean[probabilities.length];
    for (int k = 0; k < 3; k++) {
      int best = -1;
      for (int c = 0; c < probabilities.length; c++) {
        if (!taken[c] && (best < 0 || probabilities[c] > probabilities[best])) {
          best = c;
        }
      }
      taken[best] = true;
      top.add(new LabelScore(best, model.classNames().get(best), probabilities[best]));
    }
    return top;
  }
}
