package io.vigil.pipeline.analyze;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.vigil.engine.data.FashionMnist;
import io.vigil.engine.data.LabeledImages;
import io.vigil.engine.model.Model;
import io.vigil.engine.train.Evaluation;
import io.vigil.pipeline.stream.EngineClassifier;
import io.vigil.pipeline.video.ClipMaker;
import io.vigil.pipeline.video.ClipSpec;
import java.nio.file.Path;
import java.util.List;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Video in, labels out: a clip rendered from Fashion-MNIST test images, run through the whole
 * pipeline with the shipped model, must score what the model scores on the same images directly,
 * give or take what video compression changed.
 */
class ClipAccuracyTest {

  private static final int ITEMS = 1000;

  @TempDir Path tmp;

  @Test
  void clipAccuracyMatchesDirectClassificationOfTheSameImages() throws Exception {
    Model model = TestModels.shipped();
    LabeledImages test = FashionMnist.test(FashionMnist.DEFAULT_DIR);
    Path clip = tmp.resolve("clip.mp4");
    ClipMaker.Clip made =
        new ClipMaker(test, FashionMnist.CLASS_NAMES)
            .make(
                ClipSpec.builder().setItems(ITEMS).optFramesPerItem(1).build(),
                clip,
                ClipMaker.Progress.NONE);

    double direct = Evaluation.evaluate(model, test.head(ITEMS)).accuracy();

    ActorSystem<Void> system =
        ActorSystem.create(Behaviors.empty(), "clip-test", ConfigFactory.load());
    try {
      AnalyzeSettings settings = AnalyzeSettings.from(ConfigFactory.load());
      FileOutcome outcome =
          new BatchAnalyzeJob(system, settings, new BatchSettings(1, 10))
              .start(
                  List.of(clip),
                  new EngineClassifier(model, settings.maxBatch(), settings.topK()),
                  model.input(),
                  OutputLayout.singleFile(tmp.resolve("r.jsonl")),
                  video -> made.sidecar(),
                  BatchListener.NONE)
              .report()
              .toCompletableFuture()
              .get()
              .files()
              .get(0);
      assertEquals(FileOutcome.Status.DONE, outcome.status(), String.valueOf(outcome.error()));
      assertEquals(ITEMS, outcome.frames());
      assertEquals(ITEMS, outcome.summary().labels().labeledFrames());
      double viaVideo = outcome.summary().labels().accuracy();
      assertTrue(
          Math.abs(viaVideo - direct) <= 0.02,
          "accuracy through video " + viaVideo + " vs directly " + direct);
      double recorded = model.provenance().testAccuracy();
      assertTrue(
          Math.abs(viaVideo - recorded) <= 0.02,
          "accuracy through video " + viaVideo + " vs the model's test accuracy " + recorded);
    } finally {
      system.terminate();
    }
  }
}
