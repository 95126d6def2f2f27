package io.vigil.engine.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.engine.data.Appearance;
import io.vigil.engine.data.FashionMnist;
import io.vigil.engine.data.ImageTensors;
import io.vigil.engine.data.LabeledImages;
import io.vigil.engine.layer.StateTensor;
import io.vigil.engine.model.Model;
import io.vigil.engine.model.Predictor;
import io.vigil.engine.model.Provenance;
import io.vigil.engine.network.Network;
import io.vigil.engine.zoo.LeNet5;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Fine-tuning a LeNet-5 trained briefly on originals to inverted images: the base is left as it
 * was, the candidate learns the new scene, and bad inputs are refused by name.
 */
class FineTunerTest {

  private static final FineTuneConfig CONFIG =
      new FineTuneConfig(3, 32, 2e-3f, OptimizerKind.ADAM, 1.0, 2, 7L);

  private static Model base;
  private static LabeledImages originals;
  private static LabeledImages originalTest;
  private static LabeledImages newTrain;
  private static LabeledImages newHoldout;

  private static List<float[]> baseWeights;
  private static float[] baseOutputs;
  private static FineTuneResult result;
  private static int pacerCalls;

  @BeforeAll
  static void fineTuneOnce() throws IOException {
    LabeledImages train = FashionMnist.train(FashionMnist.DEFAULT_DIR).head(3_000);
    originals = train.head(2_000);
    originalTest = FashionMnist.test(FashionMnist.DEFAULT_DIR).head(300);
    LabeledImages rest = FineTuneData.select(train, range(2_000, 3_000));
    LabeledImages inverted = Appearance.INVERTED.applyTo(rest, 1L);
    newTrain = FineTuneData.select(inverted, range(0, 400));
    newHoldout = FineTuneData.select(inverted, range(400, 600));

    Network network = LeNet5.create(2);
    new Trainer(
            network,
            LeNet5.INPUT,
            new TrainingConfig(1, 32, 2e-3f, 0.9f, 0f, 2L).withOptimizer(OptimizerKind.ADAM))
        .fit(originals, originalTest, TrainingListener.silent());
    base =
        Model.create(
            "lenet5",
            network,
            LeNet5.INPUT,
            FashionMnist.CLASS_NAMES,
            new Provenance("fashion-mnist", 1, 0.7, null, "2026-12-01T00:00:00Z", ""));
    baseWeights = weights(base.network());
    baseOutputs = outputs(base, originalTest);

    AtomicInteger calls = new AtomicInteger();
    result =
        FineTuner.run(
            base,
            newTrain,
            newHoldout,
            originals,
            originalTest,
            CONFIG,
            GateConfig.defaults(),
            calls::incrementAndGet,
            TrainingListener.silent());
    pacerCalls = calls.get();
  }

  private static int[] range(int from, int to) {
    int[] out = new int[to - from];
    for (int i = 0; i < out.length; i++) {
      out[i] = from + i;
    }
    return out;
  }

  private static List<float[]> weights(Network network) {
    List<float[]> all = new ArrayList<>();
    for (StateTensor t : network.savedTensors()) {
      float[] values = new float[t.value().size()];
      network.backend().download(t.value(), 0, values, 0, values.length);
      all.add(values);
    }
    return all;
  }

  private static float[] outputs(Model model, LabeledImages images) {
    int n = 64;
    float[] input = new float[n * model.input().size()];
    for (int i = 0; i < n; i++) {
      ImageTensors.normalise(images, i, model.input(), input, i * model.input().size());
    }
    float[] probs = new float[n * model.classNames().size()];
    try (Predictor p = model.newPredictor(n)) {
      p.predict(input, n, probs);
    }
    return probs;
  }

  @Test
  void leavesTheBaseModelUntouched() {
    String version =
        Model.create(
                base.name(), base.network(), base.input(), base.classNames(), base.provenance())
            .version();
    assertEquals(base.version(), version, "the base's weights hash as before");
    List<float[]> now = weights(base.network());
    for (int i = 0; i < now.size(); i++) {
      assertArrayEquals(baseWeights.get(i), now.get(i), "tensor " + i);
    }
    assertArrayEquals(baseOutputs, outputs(base, originalTest));
    assertNotEquals(base.network(), result.candidate().network());
  }

  @Test
  void theCandidateDescendsFromTheBaseWithItsContract() {
    Model candidate = result.candidate();

    assertEquals(base.name(), candidate.name());
    assertEquals(base.input(), candidate.input());
    assertEquals(base.classNames(), candidate.classNames());
    assertNotEquals(base.version(), candidate.version());
    Provenance p = candidate.provenance();
    assertEquals(base.version(), p.parentVersion());
    assertEquals(CONFIG.epochs(), p.epochs());
    assertEquals(result.verdict().originalAfter(), p.testAccuracy());
    assertTrue(p.notes().contains(result.verdict().reason()), p.notes());
    assertTrue(p.dataset().contains("400 new images + 400 replayed per epoch"), p.dataset());
    assertEquals(400, result.newImages());
    assertEquals(400, result.replayedImages());
    assertEquals(3 * 25, pacerCalls, "one call per batch: 3 epochs of 800 images in 32s");
  }

  @Test
  void fineTuningRaisesHeldOutAccuracyOnTheNewScene() {
    GateVerdict v = result.verdict();

    assertTrue(v.newAfter() > v.newBefore() + 0.2, v.reason());
    assertEquals(result.training().testAccuracy(), v.newAfter());
    assertEquals(Evaluation.evaluate(base, newHoldout).accuracy(), v.newBefore(), 1e-12);
    assertEquals(Evaluation.evaluate(base, originalTest).accuracy(), v.originalBefore(), 1e-12);
    assertEquals(
        Evaluation.evaluate(result.candidate(), originalTest).accuracy(), v.originalAfter(), 1e-12);
    assertEquals(
        GateConfig.defaults()
            .judge(v.newBefore(), v.newAfter(), v.originalBefore(), v.originalAfter()),
        v);
  }

  @Test
  void aDivergingFineTuneThrowsIllegalStateNamingEpochAndLoss() {
    FineTuneConfig huge = new FineTuneConfig(1, 32, 1e9f, OptimizerKind.SGD, 1.0, 1, 1L);

    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () ->
                FineTuner.run(
                    base,
                    newTrain,
                    newHoldout,
                    originals,
                    originalTest,
                    huge,
                    GateConfig.defaults(),
                    TrainingPacer.NONE,
                    TrainingListener.silent()));
    assertTrue(e.getMessage().contains("fine-tune of " + base.version()), e.getMessage());
    assertTrue(e.getMessage().contains("epoch 1"), e.getMessage());
    assertTrue(e.getMessage().contains("loss is"), e.getMessage());
  }

  @Test
  void aCancellingPacerStopsTheFineTune() {
    AtomicInteger calls = new AtomicInteger();
    TrainingPacer stopAfterFive =
        () -> {
          if (calls.incrementAndGet() > 5) {
            throw new InterruptedException();
          }
        };
    try {
      TrainingCancelledException e =
          assertThrows(
              TrainingCancelledException.class,
              () ->
                  FineTuner.run(
                      base,
                      newTrain,
                      newHoldout,
                      originals,
                      originalTest,
                      CONFIG,
                      GateConfig.defaults(),
                      stopAfterFive,
                      TrainingListener.silent()));
      assertEquals(5, e.batchesDone());
      assertEquals(6, calls.get());
    } finally {
      Thread.interrupted();
    }
  }

  @Test
  void refusesImagesOfAnotherSizeNamingTheSetAndBothSizes() {
    LabeledImages padded = newTrain.padTo(32, 32);

    IllegalArgumentException train =
        assertThrows(IllegalArgumentException.class, () -> run(padded, newHoldout, originals));
    assertEquals(
        "new training frames: images are 32×32 but the model takes 28×28", train.getMessage());
    IllegalArgumentException held =
        assertThrows(
            IllegalArgumentException.class,
            () -> run(newTrain, newHoldout.padTo(30, 28), originals));
    assertTrue(held.getMessage().startsWith("new held-out frames: images are 30×28"));
    IllegalArgumentException replay =
        assertThrows(
            IllegalArgumentException.class,
            () -> run(newTrain, newHoldout, originals.padTo(29, 29)));
    assertTrue(replay.getMessage().startsWith("replay pool: images are 29×29"));
  }

  @Test
  void refusesAnEmptyTrainingSetAndUnknownLabels() {
    IllegalArgumentException empty =
        assertThrows(
            IllegalArgumentException.class, () -> run(newTrain.head(0), newHoldout, originals));
    assertEquals("new training frames: no images", empty.getMessage());

    LabeledImages badLabel = newTrain.head(10);
    badLabel.labels()[3] = 12;
    IllegalArgumentException label =
        assertThrows(IllegalArgumentException.class, () -> run(badLabel, newHoldout, originals));
    assertEquals(
        "new training frames: image 3 has label 12 but the model knows 10 classes",
        label.getMessage());
  }

  private static FineTuneResult run(
      LabeledImages train, LabeledImages holdout, LabeledImages replay) {
    return FineTuner.run(
        base,
        train,
        holdout,
        replay,
        originalTest,
        CONFIG,
        GateConfig.defaults(),
        TrainingPacer.NONE,
        TrainingListener.silent());
  }
}
