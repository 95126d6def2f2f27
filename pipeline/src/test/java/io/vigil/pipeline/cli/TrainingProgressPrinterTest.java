package io.vigil.pipeline.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.engine.train.TrainingProgress;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The training progress line as a user reads it. */
class TrainingProgressPrinterTest {

  private final StringWriter err = new StringWriter();
  private final TrainingProgressPrinter printer =
      new TrainingProgressPrinter(new PrintWriter(new StringWriter()), new PrintWriter(err));

  @Test
  void noTimeIsPromisedBeforeTheEstimateSettles() {
    printer.onProgress(new TrainingProgress(1, 10, 60, 60_000, 400, 2.3, Optional.empty()));
    assertTrue(err.toString().contains("ETA …"), err.toString());
  }

  @Test
  void theEstimateIsShownOnceThereIsOne() {
    printer.onProgress(
        new TrainingProgress(1, 10, 6_000, 60_000, 400, 0.9, Optional.of(Duration.ofSeconds(93))));
    assertTrue(err.toString().contains("ETA 1m33s"), err.toString());
  }
}
