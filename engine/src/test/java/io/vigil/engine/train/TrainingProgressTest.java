package io.vigil.engine.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The time left is estimated only once the run's rate can be trusted. */
class TrainingProgressTest {

  @Test
  void noEstimateAtTheStartOfARun() {
    // 0.1 % of the run after 1.5 s: the first batches are slow, the estimate would be far off.
    assertEquals(Optional.empty(), TrainingProgress.estimate(600, 600_000, 1.5));
  }

  @Test
  void anEstimateAfterTwoPercentOfTheRun() {
    Optional<Duration> eta = TrainingProgress.estimate(12_000, 600_000, 2.0);
    assertEquals(Optional.of(Duration.ofSeconds(98)), eta);
  }

  @Test
  void anEstimateAfterFiveSecondsHoweverLittleIsDone() {
    assertTrue(TrainingProgress.estimate(600, 600_000, 5.0).isPresent());
  }
}
