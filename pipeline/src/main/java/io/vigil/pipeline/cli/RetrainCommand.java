package io.vigil.pipeline.cli;

import com.typesafe.config.Config;
import io.vigil.engine.model.Model;
import io.vigil.engine.model.ModelFile;
import io.vigil.engine.train.FineTuneConfig;
import io.vigil.engine.train.FineTuneResult;
import io.vigil.engine.train.GateConfig;
import io.vigil.engine.train.GateVerdict;
import io.vigil.engine.train.TrainingPacer;
import io.vigil.pipeline.control.ClipRetraining;
import io.vigil.pipeline.control.LabeledData;
import io.vigil.pipeline.control.RetrainSettings;
import io.vigil.pipeline.control.Retraining;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code vigil retrain}: one retraining and its gate from the command line, as the trainer actor
 * runs it inside {@code vigil run}. Exits 0 when the candidate passed (and was written), {@value
 * #REJECTED} when the gate rejected it (nothing written), 1 on failure, 2 on bad arguments.
 */
@Command(
    name = "retrain",
    mixinStandardHelpOptions = true,
    description = {
      "Fine-tunes a copy of a model on labeled clips and keeps it if the validation gate passes.",
      "Each clip is VIDEO with VIDEO.labels.csv. Earlier data is replayed so that the model"
          + " learns the new scene without forgetting the old one. The gate needs accuracy on"
          + " held-out frames of the clips to rise by --min-gain, and accuracy on the original"
          + " test data to fall by at most --max-original-drop.",
      "Prints the gate's figures. Exit status: 0 passed (--out written), 3 rejected (nothing"
          + " written), 1 failed, 2 bad arguments. Defaults: vigil.retrain in the configuration."
    })
final class RetrainCommand implements Callable<Integer> {

  /** Exit status when the gate rejected the candidate. */
  static final int REJECTED = 3;

  @Spec CommandSpec spec;

  @Option(
      names = "--model",
      required = true,
      paramLabel = "FILE",
      description = "Model to fine-tune (.vgl, or .onnx: imported).")
  Path model;

  @Option(
      names = "--clips",
      required = true,
      arity = "1..*",
      paramLabel = "CLIP",
      description = "Labeled clips of the new scene (each with its CLIP.labels.csv).")
  List<Path> clips;

  @Option(
      names = "--out",
      required = true,
      paramLabel = "FILE",
      description = "Where to write the new model when the gate passes.")
  Path outFile;

  @Option(
      names = "--replay",
      arity = "1..*",
      paramLabel = "SOURCE",
      description =
          "Earlier data replayed while fine-tuning: fashion-mnist:train, fashion-mnist:test or"
              + " labeled clips (default: vigil.retrain.replay).")
  List<String> replay;

  @Option(
      names = "--original-test",
      arity = "1..*",
      paramLabel = "SOURCE",
      description =
          "The gate's original test data, as --replay (default: vigil.retrain.original-test).")
  List<String> originalTest;

  @Option(
      names = "--epochs",
      paramLabel = "N",
      description = "Passes over the mixed data (default: vigil.retrain.fine-tune.epochs).")
  Integer epochs;

  @Option(
      names = "--threads",
      paramLabel = "N",
      description =
          "CPU threads for training (default: vigil.retrain.fine-tune.threads; 0 = half the cores).")
  Integer threads;

  @Option(
      names = "--min-gain",
      paramLabel = "POINTS",
      description =
          "Held-out accuracy on the new scene must rise by this many points (default: vigil.retrain.gate.min-gain × 100).")
  Double minGainPoints;

  @Option(
      names = "--max-original-drop",
      paramLabel = "POINTS",
      description =
          "Accuracy on the original test data may fall by this many points (default: vigil.retrain.gate.max-original-drop × 100).")
  Double maxDropPoints;

  @Mixin RuntimeOptions runtime;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    checkOptions();
    RetrainSettings settings = settings(runtime.config());
    LabeledData.checkInstalled(settings.replay());
    LabeledData.checkInstalled(settings.originalTest());
    try (Model base = ModelFiles.load(model, runtime.backend())) {
      return retrain(base, settings, out, err);
    }
  }

  /** Fine-tunes {@code base} on the clips and writes the candidate if it passes the gate. */
  private int retrain(Model base, RetrainSettings settings, PrintWriter out, PrintWriter err)
      throws IOException {
    runtime.announce(spec.commandLine().getErr());
    out.printf("retrain: %s on %d clip(s)%n", base.version(), clips.size());
    Retraining.Outcome outcome =
        new ClipRetraining(settings, RunPaths::resolve, new TrainingProgressPrinter(out, err))
            .retrain(base, clips, TrainingPacer.NONE);
    for (Retraining.Rejected r : outcome.rejected()) {
      err.println("retrain: clip " + r.clip() + " not used: " + r.reason());
    }
    FineTuneResult result = outcome.result();
    if (result == null) {
      err.println("retrain: none of the clips could be used");
      return Main.FAILED;
    }
    try (Model candidate = result.candidate()) {
      return report(base, result, candidate, out);
    }
  }

  /** Prints the gate's verdict and writes {@code candidate} when it passed. */
  private int report(Model base, FineTuneResult result, Model candidate, PrintWriter out)
      throws IOException {
    GateVerdict v = result.verdict();
    out.printf(
        "gate %s: %s%n  %d new frames trained on, %d replayed, %.1f s of training%n",
        v.passed() ? "passed" : "rejected",
        v.reason(),
        result.newImages(),
        result.replayedImages(),
        result.training().elapsed().toMillis() / 1000.0);
    if (!v.passed()) {
      out.println("nothing written; " + base.version() + " stays as it is");
      return REJECTED;
    }
    ModelFile.save(candidate, outFile);
    out.printf("wrote %s (%s)%n", outFile, candidate.version());
    return 0;
  }

  /** Options out of range are bad arguments (exit 2), found before any work starts. */
  private void checkOptions() {
    if (epochs != null && epochs < 1) {
      throw new ParameterException(
          spec.commandLine(), "--epochs must be at least 1, got " + epochs);
    }
    if (threads != null && threads < 0) {
      throw new ParameterException(
          spec.commandLine(), "--threads must be 0 (half the cores) or more, got " + threads);
    }
    if (minGainPoints != null && !(minGainPoints >= -100 && minGainPoints <= 100)) {
      throw new ParameterException(
          spec.commandLine(), "--min-gain must be from -100 to 100 points, got " + minGainPoints);
    }
    if (maxDropPoints != null && !(maxDropPoints >= 0 && maxDropPoints <= 100)) {
      throw new ParameterException(
          spec.commandLine(),
          "--max-original-drop must be from 0 to 100 points, got " + maxDropPoints);
    }
    for (Path clip : clips) {
      if (!Files.isRegularFile(clip)) {
        throw new ParameterException(spec.commandLine(), "clip " + clip + " does not exist");
      }
    }
    if (!Files.isRegularFile(model)) {
      throw new ParameterException(spec.commandLine(), "model " + model + " does not exist");
    }
  }

  /** vigil.retrain with this command's options over it. */
  private RetrainSettings settings(Config config) {
    RetrainSettings s = RetrainSettings.from(config, RunPaths::resolve);
    FineTuneConfig f = s.fineTune();
    if (epochs != null || threads != null) {
      f =
          new FineTuneConfig(
              epochs != null ? epochs : f.epochs(),
              f.batchSize(),
              f.learningRate(),
              f.optimizer(),
              f.replayRatio(),
              threads != null ? (threads > 0 ? threads : f.threads()) : f.threads(),
              f.seed());
    }
    GateConfig g = s.gate();
    if (minGainPoints != null || maxDropPoints != null) {
      g =
          new GateConfig(
              minGainPoints != null ? minGainPoints / 100 : g.minGain(),
              maxDropPoints != null ? maxDropPoints / 100 : g.maxOriginalDrop());
    }
    return s.withTraining(f, g)
        .withData(
            replay != null ? replay : s.replay(),
            originalTest != null ? originalTest : s.originalTest());
  }
}
