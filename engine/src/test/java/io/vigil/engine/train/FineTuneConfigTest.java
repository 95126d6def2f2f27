package io.vigil.engine.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class FineTuneConfigTest {

  @Test
  void refusesBadSettingsByName() {
    assertMessage(
        "epochs must be ≥ 1, got 0",
        () -> new FineTuneConfig(0, 64, 1e-3f, OptimizerKind.ADAM, 1, 2, 1));
    assertMessage(
        "batchSize must be ≥ 1, got 0",
        () -> new FineTuneConfig(1, 0, 1e-3f, OptimizerKind.ADAM, 1, 2, 1));
    assertMessage(
        "learningRate must be positive and finite, got NaN",
        () -> new FineTuneConfig(1, 64, Float.NaN, OptimizerKind.ADAM, 1, 2, 1));
    assertMessage(
        "replayRatio must be ≥ 0 and finite, got -1.0",
        () -> new FineTuneConfig(1, 64, 1e-3f, OptimizerKind.ADAM, -1, 2, 1));
    assertMessage(
        "threads must be ≥ 1, got 0",
        () -> new FineTuneConfig(1, 64, 1e-3f, OptimizerKind.ADAM, 1, 0, 1));
  }

  @Test
  void trainingSettingsFollowTheFineTuneSettings() {
    FineTuneConfig config = new FineTuneConfig(4, 32, 3e-3f, OptimizerKind.SGD, 2.0, 1, 9L);
    TrainingConfig training = config.trainingConfig();

    assertEquals(4, training.epochs());
    assertEquals(32, training.batchSize());
    assertEquals(3e-3f, training.learningRate());
    assertEquals(OptimizerKind.SGD, training.optimizer());
    assertEquals(9L, training.seed());
    assertEquals(200, config.replayCount(100));
    assertEquals(0, config.withEpochs(4).replayCount(0));
  }

  private static void assertMessage(String expected, Runnable make) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, make::run);
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }
}
