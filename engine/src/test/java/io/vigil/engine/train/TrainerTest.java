package io.vigil.engine.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.engine.data.FashionMnist;
import io.vigil.engine.data.LabeledImages;
import io.vigil.engine.model.Model;
import io.vigil.engine.model.Provenance;
import io.vigil.engine.network.Network;
import io.vigil.engine.zoo.LeNet5;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrainerTest {

  @Test
  void lenet5LearnsFashionMnistInOneShortEpoch() throws IOException {
    LabeledImages train = FashionMnist.train(FashionMnist.DEFAULT_DIR).head(6_000);
    LabeledImages test = FashionMnist.test(FashionMnist.DEFAULT_DIR).head(1_000);
    Network network = LeNet5.create(1);
    List<EpochSummary> epochs = new ArrayList<>();
    TrainingListener listener =
        new TrainingListener() {
          @Override
          public void onProgress(TrainingProgress p) {
            assertTrue(p.samplesDone() <= p.samplesPerEpoch());
          }

          @Override
          public void onEpochEnd(EpochSummary s) {
            epochs.add(s);
          }
        };
    TrainingResult result =
        new Trainer(network, LeNet5.INPUT, TrainingConfig.defaults().withEpochs(1))
            .fit(train, test, listener);

    assertTrue(result.testAccuracy() > 0.70, "accuracy " + result.testAccuracy());
    assertEquals(1, epochs.size());
    assertEquals(result.testAccuracy(), epochs.get(0).testAccuracy());
    assertTrue(result.finalLoss() < 1.5, "loss " + result.finalLoss());
    int total = 0;
    for (int[] row : result.confusion()) {
      for (int v : row) {
        total += v;
      }
    }
    assertEquals(1_000, total);

    Model model =
        Model.create(
            "lenet5",
            network,
            LeNet5.INPUT,
            FashionMnist.CLASS_NAMES,
            new Provenance(
                "fashion-mnist", 1, result.testAccuracy(), null, "2026-11-23T00:00:00Z", ""));
    EvaluationResult again = Evaluation.evaluate(model, test);
    assertEquals(result.testAccuracy(), again.accuracy(), 1e-12);
    assertEquals(1_000, again.count());
  }

  @Test
  void configRejectsBadValuesByName() {
    IllegalArgumentException lr =
        assertThrows(
            IllegalArgumentException.class, () -> new TrainingConfig(1, 64, 0f, 0.9f, 0f, 1));
    assertTrue(lr.getMessage().contains("learningRate"), lr.getMessage());
    IllegalArgumentException momentum =
        assertThrows(
            IllegalArgumentException.class, () -> new TrainingConfig(1, 64, 0.1f, 1f, 0f, 1));
    assertTrue(
        momentum.getMessage().contains("momentum must be in [0, 1), got 1.0"),
        momentum.getMessage());
    assertThrows(
        IllegalArgumentException.class, () -> new TrainingConfig(0, 64, 0.1f, 0.9f, 0f, 1));
    assertThrows(IllegalArgumentException.class, () -> new TrainingConfig(1, 0, 0.1f, 0.9f, 0f, 1));
    assertThrows(
        IllegalArgumentException.class, () -> new TrainingConfig(1, 1, 0.1f, 0.9f, -1f, 1));
  }
}
