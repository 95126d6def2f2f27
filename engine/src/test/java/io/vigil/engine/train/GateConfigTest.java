package io.vigil.engine.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The gate's decision as a pure function of four accuracies. */
class GateConfigTest {

  private final GateConfig gate = GateConfig.defaults();

  @Test
  void passesARiseWithLittleLossAndPrintsTheFigures() {
    GateVerdict v = gate.judge(0.159, 0.862, 0.912, 0.908);

    assertTrue(v.passed(), v.reason());
    assertEquals(0.159, v.newBefore());
    assertEquals(0.862, v.newAfter());
    assertEquals(0.912, v.originalBefore());
    assertEquals(0.908, v.originalAfter());
    assertEquals(
        "passed: new scene 15.9 % → 86.2 % (+70.3, needs +2.0);"
            + " original 91.2 % → 90.8 % (−0.4, may fall 1.0)",
        v.reason());
  }

  @Test
  void rejectsTooSmallARise() {
    GateVerdict v = gate.judge(0.50, 0.515, 0.90, 0.90);

    assertFalse(v.passed());
    assertTrue(v.reason().startsWith("rejected: the new scene rose too little"), v.reason());
    assertTrue(v.reason().contains("50.0 % → 51.5 % (+1.5, needs +2.0)"), v.reason());
    assertTrue(v.reason().contains("(±0.0, may fall 1.0)"), v.reason());
  }

  @Test
  void rejectsTooLargeAFallOfTheOriginal() {
    GateVerdict v = gate.judge(0.20, 0.85, 0.912, 0.897);

    assertFalse(v.passed());
    assertTrue(v.reason().startsWith("rejected: the original fell too far"), v.reason());
    assertTrue(v.reason().contains("91.2 % → 89.7 % (−1.5, may fall 1.0)"), v.reason());
  }

  @Test
  void namesBothFailuresWhenBothFail() {
    GateVerdict v = gate.judge(0.60, 0.58, 0.90, 0.80);

    assertFalse(v.passed());
    assertTrue(
        v.reason()
            .startsWith("rejected: the new scene rose too little and the original fell too far"),
        v.reason());
    assertTrue(v.reason().contains("(−2.0, needs +2.0)"), v.reason());
  }

  @Test
  void figuresExactlyOnTheThresholdsPass() {
    GateConfig strict = new GateConfig(0.1, 0.02);

    assertTrue(strict.judge(0.3, 0.4, 0.9, 0.88).passed());
    assertFalse(strict.judge(0.3, 0.399, 0.9, 0.88).passed());
    assertFalse(strict.judge(0.3, 0.4, 0.9, 0.879).passed());
  }

  @Test
  void aNegativeMinimumGainAllowsTheNewSceneToFall() {
    GateConfig lenient = new GateConfig(-0.02, 0.01);

    assertTrue(lenient.judge(0.80, 0.79, 0.9, 0.9).passed());
    assertTrue(lenient.judge(0.80, 0.79, 0.9, 0.9).reason().contains("needs −2.0"));
  }

  @Test
  void refusesThresholdsAndAccuraciesOutOfRangeByName() {
    IllegalArgumentException drop =
        assertThrows(IllegalArgumentException.class, () -> new GateConfig(0.05, -0.01));
    assertTrue(drop.getMessage().contains("maxOriginalDrop"), drop.getMessage());
    IllegalArgumentException gain =
        assertThrows(IllegalArgumentException.class, () -> new GateConfig(Double.NaN, 0.01));
    assertTrue(gain.getMessage().contains("minGain"), gain.getMessage());
    IllegalArgumentException accuracy =
        assertThrows(IllegalArgumentException.class, () -> gate.judge(0.5, 1.5, 0.9, 0.9));
    assertTrue(accuracy.getMessage().contains("newAfter"), accuracy.getMessage());
    assertTrue(accuracy.getMessage().contains("1.5"), accuracy.getMessage());
  }
}
