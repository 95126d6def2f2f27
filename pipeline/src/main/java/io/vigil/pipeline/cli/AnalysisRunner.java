package io.vigil.pipeline.cli;

import com.typesafe.config.Config;
import io.vigil.engine.backend.Backend;
import io.vigil.engine.model.Model;
import io.vigil.engine.model.ModelFile;
import io.vigil.pipeline.analyze.AnalyzeJob;
import io.vigil.pipeline.analyze.AnalyzeReport;
import io.vigil.pipeline.analyze.AnalyzeSettings;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;

/** Runs one analysis with a console progress line and prints its report; shared by commands. */
final class AnalysisRunner {

  private AnalysisRunner() {}

  /**
   * @param labels the label sidecar, or null to use {@code <video>.labels.csv} when it exists
   */
  static AnalyzeReport run(
      Config config,
      AnalyzeSettings settings,
      Path video,
      Path modelFile,
      Backend backend,
      Path out,
      Path labels,
      PrintWriter stdout,
      PrintWriter stderr)
      throws IOException {
    Model model = ModelFile.load(modelFile, backend);
    Path sidecar = labels != null ? labels : defaultSidecar(video);
    ConsoleProgress progress = new ConsoleProgress(stderr);
    ActorSystem<Void> system = RuntimeOptions.actorSystem(config);
    try {
      AnalyzeReport report =
          new AnalyzeJob(system, settings)
              .run(
                  video,
                  model,
                  out,
                  sidecar,
                  (frames, fps, fraction) ->
                      progress.show(
                          String.format(
                              "analyze %s: %d frames, %.0f frames/s%s",
                              video.getFileName(),
                              frames,
                              fps,
                              Double.isNaN(fraction)
                                  ? ""
                                  : String.format(", %.0f%%", 100 * fraction))));
      progress.done();
      ReportPrinter.print(report, stdout);
      return report;
    } finally {
      progress.done();
      system.terminate();
      try {
        system.getWhenTerminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        stderr.println("warning: the actor system did not stop within " + Duration.ofSeconds(10));
      }
    }
  }

  private static Path defaultSidecar(Path video) {
    Path candidate = video.resolveSibling(video.getFileName() + ".labels.csv");
    return Files.isRegularFile(candidate) ? candidate : null;
  }
}
