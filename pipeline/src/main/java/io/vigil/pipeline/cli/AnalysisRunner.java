package io.vigil.pipeline.cli;

import com.typesafe.config.Config;
import io.vigil.engine.backend.Backend;
import io.vigil.engine.model.Model;
import io.vigil.pipeline.analyze.AnalyzeSettings;
import io.vigil.pipeline.analyze.BatchAnalyzeJob;
import io.vigil.pipeline.analyze.BatchListener;
import io.vigil.pipeline.analyze.BatchRunReport;
import io.vigil.pipeline.analyze.BatchSettings;
import io.vigil.pipeline.analyze.FileOutcome;
import io.vigil.pipeline.analyze.OutputLayout;
import io.vigil.pipeline.video.LabelSidecar;
import io.vigil.pipeline.video.PictureFormat;
import io.vigil.pipeline.video.VideoDecoder;
import io.vigil.pipeline.video.VideoInfo;
import io.vigil.pipeline.video.VideoInputException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * Analyses one video into one results file with a console progress line and prints its report
 * (frames, decoder, labels per class, accuracy where the true labels are known); shared by {@code
 * vigil analyze VIDEO} and {@code vigil demo}. The offline job is the many-file one, given one
 * file.
 */
final class AnalysisRunner {

  private AnalysisRunner() {}

  /**
   * @param labels the label file, or null to use {@code <video>.labels.csv} when it exists
   * @return the video's outcome, done
   * @throws IOException naming the video (or its label file) when it could not be analysed
   */
  static FileOutcome run(
      Config config,
      AnalyzeSettings settings,
      Path video,
      ModelSource models,
      Backend backend,
      Path out,
      Path labels,
      PrintWriter stdout,
      PrintWriter stderr)
      throws IOException {
    OutputLayout layout = OutputLayout.singleFile(out);
    layout.check();
    Model model = models.load(backend);
    Path sidecar = labels != null ? labels : defaultSidecar(video);
    ConsoleProgress progress = new ConsoleProgress(stderr);
    long claimed = claimedFrames(video);
    ActorSystem<Void> system = RuntimeOptions.actorSystem(config);
    try {
      String name = video.getFileName().toString();
      BatchListener listener =
          new BatchListener() {
            private boolean failed;

            @Override
            public void onFile(FileOutcome outcome) {
              failed = outcome.status() != FileOutcome.Status.DONE;
            }

            @Override
            public void onProgress(int done, int total, long frames, double fps, double eta) {
              if (done == total && failed) {
                // The one-line failure says the rest.
                return;
              }
              // The last line, at the video's end, shows the final count.
              progress.show(progressLine(name, frames, claimed, fps));
            }
          };
      BatchAnalyzeJob.Running running =
          new BatchAnalyzeJob(
                  system,
                  settings,
                  new BatchSettings(1, BatchSettings.from(config).segmentMinFrames()),
                  m -> OfflineClassifier.create(m, settings))
              .start(
                  List.of(video),
                  OfflineClassifier.create(model, settings),
                  model.input(),
                  layout,
                  v -> sidecar,
                  listener);
      BatchRunReport report;
      try (ModelSource.Following following =
          models.follow(running, backend, line -> stderr.println("analyze: " + line))) {
        report = running.report().toCompletableFuture().get();
      }

      progress.done();
      FileOutcome outcome = report.files().get(0);
      if (outcome.status() != FileOutcome.Status.DONE) {
        throw new IOException(outcome.error());
      }
      ReportPrinter.print(outcome, report.outDir(), stdout);
      return outcome;
    } catch (ExecutionException e) {
      throw new IOException("analysis of " + video + " failed: " + Main.oneLine(e.getCause()), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("analysis of " + video + " was interrupted", e);
    } finally {
      progress.done();
      system.terminate();
      try {
        system.getWhenTerminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        stderr.println("warning: the actor system did not stop within 10 s: " + e);
      }
      // The classifiers hold the model while they still run; its weights go when the last lets go.
      model.close();
    }
  }

  /**
   * "analyze NAME: 1200 of 5000 frames (24%), 800 frames/s, ETA 5s": the frames done of those the
   * headers claim, and the time left at the rate so far. Without a claim, or past it (headers that
   * count wrongly), the frames and the rate only.
   */
  static String progressLine(String name, long frames, long claimed, double fps) {
    if (claimed <= 0 || frames > claimed) {
      return String.format(Locale.ROOT, "analyze %s: %d frames, %.0f frames/s", name, frames, fps);
    }
    return String.format(
        Locale.ROOT,
        "analyze %s: %d of %d frames (%.0f%%), %.0f frames/s, ETA %s",
        name,
        frames,
        claimed,
        100.0 * frames / claimed,
        fps,
        ConsoleProgress.duration(fps > 0 ? (claimed - frames) / fps : Double.NaN));
  }

  /**
   * The frames {@code video}'s headers claim: their frame count, else duration times frame rate; 0
   * when they say neither or the file cannot be opened (the analysis then says why in one line).
   */
  private static long claimedFrames(Path video) {
    try (VideoDecoder decoder = VideoDecoder.open(video, PictureFormat.NATIVE)) {
      VideoInfo info = decoder.info();
      return info.claimedFrames() > 0
          ? info.claimedFrames()
          : Math.round(info.durationMicros() / 1e6 * info.frameRate());
    } catch (VideoInputException e) {
      return 0;
    }
  }

  private static Path defaultSidecar(Path video) {
    Path candidate = LabelSidecar.pathFor(video);
    return Files.isRegularFile(candidate) ? candidate : null;
  }
}
