package io.vigil.pipeline.cli;

import io.vigil.engine.train.EpochSummary;
import io.vigil.engine.train.TrainingListener;
import io.vigil.engine.train.TrainingProgress;
import java.io.PrintWriter;
import java.nio.file.Path;

/** Shows a training run: a progress line while an epoch runs, a line after each epoch. */
final class TrainingProgressPrinter implements TrainingListener {

  private final PrintWriter out;
  private final ConsoleProgress progress;

  TrainingProgressPrinter(PrintWriter out, PrintWriter err) {
    this.out = out;
    this.progress = new ConsoleProgress(err);
  }

  @Override
  public void onProgress(TrainingProgress p) {
    progress.show(
        String.format(
            "epoch %d/%d %5.1f%%  %,.0f samples/s  loss %.4f  ETA %s",
            p.epoch(),
            p.epochs(),
            100.0 * p.samplesDone() / p.samplesPerEpoch(),
            p.samplesPerSecond(),
            p.meanLoss(),
            p.eta().map(eta -> ConsoleProgress.duration(eta.toMillis() / 1000.0)).orElse("…")));
  }

  @Override
  public void onEpochEnd(EpochSummary s) {
    progress.done();
    out.printf(
        "epoch %d/%d: loss %.4f, test accuracy %.2f%% (%s)%n",
        s.epoch(),
        s.epochs(),
        s.meanLoss(),
        100 * s.testAccuracy(),
        ConsoleProgress.duration(s.elapsed().toMillis() / 1000.0));
    out.flush();
  }

  @Override
  public void onResume(Path checkpoint, int epochsDone) {
    out.printf("resuming after epoch %d from checkpoint %s%n", epochsDone, checkpoint);
    out.flush();
  }
}
