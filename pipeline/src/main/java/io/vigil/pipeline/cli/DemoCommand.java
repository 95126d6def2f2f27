package io.vigil.pipeline.cli;

import com.typesafe.config.Config;
import io.vigil.engine.backend.cpu.CpuBackend;
import io.vigil.engine.data.FashionMnist;
import io.vigil.pipeline.analyze.AnalyzeSettings;
import io.vigil.pipeline.demo.DemoReport;
import io.vigil.pipeline.demo.RetrainDemo;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code vigil demo}: the mission end to end on what ships in the repository, with nothing to set.
 * Four cameras play {@value #SCENE_CLIP} in real time with {@value #MODEL}; a quarter of a minute
 * in, the scene turns to its negative (as a camera switching to night mode might), accuracy falls;
 * labeled clips of the new scene ({@value #LABELED_CLIPS}) arrive in the inbox, the supervised
 * trainer fine-tunes a copy of the model with earlier frames replayed (Fashion-MNIST's training set
 * where the Debian package is installed, else {@value #REPLAY}), the gate checks it against
 * held-out new frames and the original test data (Fashion-MNIST's test set, else {@value #CLIP}),
 * and the new version is swapped into every stream without stopping one.
 *
 * <p>The shipped clips are made by vigil itself; {@code samples/retrain/README.md} gives the {@code
 * vigil make-clip} commands that rebuild them. {@code --offline} runs the earlier, quick demo: the
 * offline analysis of {@value #CLIP}.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Runs the whole mission on the shipped model and clips, in about two minutes.",
      "Four cameras are classified in real time; the scene changes and accuracy falls; labeled"
          + " clips of the new scene arrive; the supervised trainer fine-tunes, the gate passes"
          + " and the new model is swapped into every stream; accuracy comes back, with no frame"
          + " lost.",
      "Prints a timeline and writes results, a chart (retraining.png) and summary.json under"
          + " target/demo/.",
      "With --offline it analyses samples/fashion-clip.mp4 offline instead (a few seconds)."
    })
final class DemoCommand implements Callable<Integer> {

  static final String CLIP = "samples/fashion-clip.mp4";
  static final String MODEL = "models/lenet5-fashion.vgl";
  static final String OUT = "target/demo";
  static final String SCENE_CLIP = "samples/retrain/scene-change.mp4";
  static final String LABELED_CLIPS = "samples/retrain/night-*.mp4";
  static final String REPLAY = "samples/retrain/replay.mp4";

  /** The frame of {@value #SCENE_CLIP} where the scene turns (15 s at 30 fps). */
  static final int CHANGE_AT_FRAME = 450;

  static final double FPS = 30;

  @Spec CommandSpec spec;

  @Option(
      names = "--offline",
      description = "Analyse " + CLIP + " offline instead (the quick demo of the pipeline).")
  boolean offline;

  @Option(
      names = "--without-clips",
      description =
          "The same live run for 75 s without labeled clips arriving (no training): the baseline"
              + " for the latency figures.")
  boolean withoutClips;

  @Option(
      names = "--streams",
      paramLabel = "N",
      description = "Cameras playing the clip (default: ${DEFAULT-VALUE}).")
  int streams = 4;

  @Override
  public Integer call() throws Exception {
    if (streams < 1 || streams > 64) {
      throw new ParameterException(
          spec.commandLine(), "--streams must be from 1 to 64, got " + streams);
    }
    Path home = RuntimeOptions.home();
    PrintWriter out = spec.commandLine().getOut();
    Config config = new RuntimeOptions().config();
    if (offline) {
      out.println("vigil demo: analysing " + CLIP + " with " + MODEL);
      AnalysisRunner.run(
          config,
          AnalyzeSettings.from(config),
          home.resolve(CLIP),
          new ModelSource(home.resolve(MODEL), null),
          CpuBackend.shared(),
          home.resolve(OUT).resolve("results.jsonl"),
          null,
          out,
          spec.commandLine().getErr());
      return 0;
    }
    // Fashion-MNIST (the Debian package dataset-fashion-mnist), where installed, gives the trainer
    // 60,000 earlier images to replay and the gate 10,000 original test images; without it the
    // shipped clips stand in (5,000 and 1,000 images).
    boolean fashionMnist = Files.isDirectory(FashionMnist.DEFAULT_DIR);
    DemoReport report =
        RetrainDemo.run(
            config,
            new RetrainDemo.Inputs(
                home.resolve(MODEL),
                home.resolve(SCENE_CLIP),
                CHANGE_AT_FRAME,
                FPS,
                labeledClips(home),
                fashionMnist
                    ? List.of("fashion-mnist:train")
                    : List.of(home.resolve(REPLAY).toString()),
                fashionMnist
                    ? List.of("fashion-mnist:test")
                    : List.of(home.resolve(CLIP).toString())),
            withoutClips
                ? new RetrainDemo.Plan(
                    streams, Duration.ZERO, Duration.ZERO, Duration.ofSeconds(75), false)
                : new RetrainDemo.Plan(
                    streams,
                    Duration.ofSeconds(10),
                    Duration.ofSeconds(30),
                    Duration.ofSeconds(150),
                    true),
            home.resolve(OUT),
            RunPaths::resolve,
            out);
    return withoutClips || report.swapSecond() != null ? 0 : Main.FAILED;
  }

  /** The shipped labeled clips of the changed scene, in name order. */
  private static List<Path> labeledClips(Path home) throws java.io.IOException {
    List<Path> clips = new ArrayList<>();
    try (var files = Files.newDirectoryStream(home.resolve("samples/retrain"), "night-*.mp4")) {
      files.forEach(clips::add);
    }
    clips.sort(null);
    return clips;
  }
}
