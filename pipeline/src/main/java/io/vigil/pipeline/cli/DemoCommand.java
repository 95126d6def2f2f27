package io.vigil.pipeline.cli;

import com.typesafe.config.Config;
import io.vigil.engine.backend.CpuBackend;
import io.vigil.pipeline.analyze.AnalyzeSettings;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code vigil demo}: the main job on what ships in the repository, with nothing to set. It
 * analyses the sample clip {@value #CLIP} (Fashion-MNIST test images rendered as video by {@code
 * vigil make-clip}) with the model {@value #MODEL} (trained by {@code vigil train}).
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Analyses the sample clip shipped in samples/ with the model shipped in models/,",
      "prints what it found per class and its accuracy against the clip's true labels."
    })
final class DemoCommand implements Callable<Integer> {

  static final String CLIP = "samples/fashion-clip.mp4";
  static final String MODEL = "models/lenet5-fashion.vgl";
  static final String OUT = "target/demo/results.jsonl";

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    Path home = RuntimeOptions.home();
    PrintWriter out = spec.commandLine().getOut();
    out.println("vigil demo: analysing " + CLIP + " with " + MODEL);
    Config config = new RuntimeOptions().config();
    AnalysisRunner.run(
        config,
        AnalyzeSettings.from(config),
        home.resolve(CLIP),
        home.resolve(MODEL),
        CpuBackend.shared(),
        home.resolve(OUT),
        null,
        out,
        spec.commandLine().getErr());
    return 0;
  }
}
