package io.vigil.pipeline.cli;

import com.typesafe.config.Config;
import io.vigil.engine.backend.Backend;
import io.vigil.pipeline.analyze.AnalyzeSettings;
import io.vigil.pipeline.analyze.BatchSettings;
import io.vigil.pipeline.analyze.OutputLayout;
import io.vigil.pipeline.analyze.VideoInputs;
import io.vigil.pipeline.frame.WindowSize;
import io.vigil.pipeline.registry.ModelRegistry;
import io.vigil.pipeline.result.RegionOfInterest;
import io.vigil.pipeline.video.Preprocessing;
import io.vigil.pipeline.video.ResizeMode;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code vigil analyze VIDEO --model M --out R}: classify every frame of a video file; with a
 * directory, a glob or several files, {@code --out} is a folder and the files are analysed together
 * (see {@link BatchAnalysisRunner}).
 */
@Command(
    name = "analyze",
    mixinStandardHelpOptions = true,
    description = {
      "Classifies every frame of a video file and writes one JSON line per frame.",
      "Given a directory, a glob (quoted) or several files, --out is a folder: one"
          + " NAME.jsonl and NAME.summary.json per video, and run-summary.json with one record"
          + " per run; files already complete there are skipped, so an interrupted run can"
          + " simply be run again.",
      "No frame is dropped; the results file appears only once it is complete.",
      "With a label file (VIDEO.labels.csv, as `vigil make-clip` writes) it also reports"
          + " accuracy; for many videos, each one's in its line and its NAME.summary.json."
    })
final class AnalyzeCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Parameters(
      arity = "1..*",
      paramLabel = "VIDEO",
      description = "Video file, directory of videos, or glob such as 'videos/*.avi'.")
  List<String> videos;

  @Option(
      names = "--model",
      paramLabel = "FILE",
      description =
          "Model file (.vgl, e.g. from `vigil train`, or .onnx: imported); with --registry, the registry's active"
              + " version when left out.")
  Path model;

  @Option(
      names = "--registry",
      paramLabel = "DIR",
      description =
          "Follow this model registry: a version made active while the analysis runs (`vigil"
              + " models activate|rollback`) is swapped in between batches; summaries list the"
              + " versions each video saw, with their frame ranges.")
  Path registry;

  @Option(
      names = "--out",
      required = true,
      paramLabel = "FILE",
      description =
          "Results file to write (JSON Lines, one line per frame); a folder for many videos.")
  Path out;

  @Option(
      names = "--labels",
      paramLabel = "FILE",
      description =
          "True label per frame (CSV: frame,label,class_name), for one video. Default:"
              + " VIDEO.labels.csv if present (for many videos, always each one's own).")
  Path labels;

  @Option(
      names = "--batch",
      paramLabel = "N",
      description = "Frames per engine call (default from config: vigil.analyze.batch.max-size).")
  Integer batch;

  @Option(
      names = "--resize",
      paramLabel = "MODE",
      description =
          "stretch (to the model's input size) or letterbox (keep the aspect ratio, pad with"
              + " --fill, centred). Default from config: vigil.analyze.preprocess.resize.")
  String resize;

  @Option(
      names = "--fill",
      paramLabel = "0-255",
      description =
          "Pixel value of the letterbox padding, every channel, before normalisation (default"
              + " from config: vigil.analyze.preprocess.fill).")
  Integer fill;

  @Option(
      names = "--roi",
      paramLabel = "X,Y,W,H",
      description =
          "Analyse only this rectangle of every frame, in source pixels (x, y of its top left"
              + " corner, width, height); cut out before resizing.")
  String roi;

  @Option(
      names = "--windows",
      paramLabel = "WxH",
      description =
          "Also score every window of WxH source pixels (e.g. 96x96, or off): each frame is"
              + " resized so that one window is the model's input, the model's fully connected"
              + " head is turned into convolutions, and each result line gets a 'windows' map of"
              + " best labels. Default from config: vigil.analyze.windows.")
  String windows;

  @Mixin RuntimeOptions runtime;

  @Override
  public Integer call() throws Exception {
    if (model == null && registry == null) {
      throw new ParameterException(
          spec.commandLine(), "name the model: --model FILE, or --registry DIR to follow one");
    }
    ModelSource source =
        new ModelSource(model, registry == null ? null : ModelRegistry.open(registry));
    Config config = runtime.config();
    AnalyzeSettings settings = AnalyzeSettings.from(config);
    if (batch != null) {
      settings = settings.withMaxBatch(OptionRanges.atLeast("--batch", batch, 1));
    }
    settings = settings.withPreprocessing(preprocessing(settings.preprocessing()));
    if (windows != null) {
      try {
        settings = settings.withWindows(WindowSize.parseOrOff(windows));
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), "--windows: " + e.getMessage(), e);
      }
    }
    boolean many = videos.size() > 1 || VideoInputs.isMany(videos.get(0));
    if (many && labels != null) {
      throw new ParameterException(
          spec.commandLine(),
          "--labels names the label file of one video; with many, each video's own"
              + " VIDEO.labels.csv is used");
    }
    Backend backend = runtime.backend();
    // Outputs are checked (again by the runner) before the device line, so that a refused
    // command prints its one line only.
    (many ? OutputLayout.folder(out) : OutputLayout.singleFile(out)).check();
    runtime.announce(spec.commandLine().getErr());
    if (many) {
      return BatchAnalysisRunner.run(
          config,
          settings,
          BatchSettings.from(config),
          VideoInputs.expand(videos),
          source,
          backend,
          out,
          spec.commandLine().getOut(),
          spec.commandLine().getErr());
    }
    AnalysisRunner.run(
        config,
        settings,
        Path.of(videos.get(0)),
        source,
        backend,
        out,
        labels,
        spec.commandLine().getOut(),
        spec.commandLine().getErr());
    return 0;
  }

  /** The configured preprocessing with the command line's --resize, --fill and --roi on top. */
  private Preprocessing preprocessing(Preprocessing configured) {
    Preprocessing p = configured;
    if (resize != null) {
      p = p.withResize(OptionRanges.parsed("--resize", resize, ResizeMode::parse));
    }
    if (fill != null) {
      Preprocessing base = p;
      p = OptionRanges.parsed("--fill", fill.toString(), value -> base.withFill(fill));
    }
    if (roi != null) {
      p = p.withRoi(OptionRanges.parsed("--roi", roi, RegionOfInterest::parse));
    }
    return p;
  }
}
