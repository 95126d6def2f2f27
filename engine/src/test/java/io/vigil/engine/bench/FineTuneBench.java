package io.vigil.engine.bench;

import io.vigil.engine.data.Appearance;
import io.vigil.engine.data.FashionMnist;
import io.vigil.engine.data.LabeledImages;
import io.vigil.engine.model.Model;
import io.vigil.engine.model.ModelFile;
import io.vigil.engine.train.Evaluation;
import io.vigil.engine.train.FineTuneConfig;
import io.vigil.engine.train.FineTuneResult;
import io.vigil.engine.train.FineTuner;
import io.vigil.engine.train.GateConfig;
import io.vigil.engine.train.OptimizerKind;
import io.vigil.engine.train.TrainingListener;
import io.vigil.engine.train.TrainingPacer;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The fine-tune benchmark (not a unit test): {@code bench/engine/finetune.sh} runs it. The shipped
 * LeNet-5 is fine-tuned with {@link FineTuner#run} on {@code N} (default 6,000) Fashion-MNIST
 * training images changed by an {@link Appearance}, with replay from the original training set (all
 * 60,000), held-out frames from 1,000 other changed training images, and the gate on the original
 * test set; then the candidate is scored on the whole test set changed the same way. Prints one row
 * per run: accuracy of the base and of the candidate on the changed test set, the original test
 * accuracy before and after, the gate, and seconds (wall and process CPU) of the whole {@code run}
 * call.
 *
 * <p>Arguments: {@code [MODEL] SETTINGS...}, each settings word a comma-separated list of {@code
 * key=value} over the defaults ({@link FineTuneConfig#defaults()}): {@code appearance} (a {@link
 * Appearance#cliName()} or {@code all}, which runs every change but {@code none}), {@code n},
 * {@code epochs}, {@code batch}, {@code lr}, {@code optimizer}, {@code replay}, {@code threads},
 * {@code seed}, {@code data-seed} (which training images are new and held out). No settings: the
 * defaults on every change.
 */
public final class FineTuneBench {

  private FineTuneBench() {}

  public static void main(String[] args) throws Exception {
    List<String> settings = new ArrayList<>(Arrays.asList(args));
    Path modelFile = Path.of("models/lenet5-fashion.vgl");
    if (!settings.isEmpty() && settings.get(0).endsWith(ModelFile.EXTENSION)) {
      modelFile = Path.of(settings.remove(0));
    }
    if (settings.isEmpty()) {
      settings.add("appearance=all");
    }
    Model base = ModelFile.load(modelFile);
    LabeledImages train = FashionMnist.train(FashionMnist.DEFAULT_DIR);
    LabeledImages test = FashionMnist.test(FashionMnist.DEFAULT_DIR);
    System.out.printf(
        "# fine-tune of %s (original test %.2f %%), %d CPUs, load %s%n",
        base.version(),
        100 * Evaluation.evaluate(base, test).accuracy(),
        Runtime.getRuntime().availableProcessors(),
        String.format(
            Locale.ROOT,
            "%.2f",
            ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()));
    System.out.printf(
        "%-11s %-52s %7s %7s %15s %13s %6s %6s %6s  %s%n",
        "change",
        "settings",
        "base",
        "after",
        "original",
        "held-out",
        "gate",
        "wall-s",
        "CPU-s",
        "held-out per epoch");
    for (String word : settings) {
      Settings s = Settings.parse(word);
      for (Appearance appearance : s.appearances()) {
        runOne(base, train, test, appearance, s);
      }
    }
  }

  private static void runOne(
      Model base, LabeledImages train, LabeledImages test, Appearance appearance, Settings s) {
    ChangedScene scene = ChangedScene.of(train, test, appearance, s.n(), s.dataSeed());
    LabeledImages changedTest = scene.changedTest();
    double baseChanged = Evaluation.evaluate(base, changedTest).accuracy();
    StringBuilder curve = new StringBuilder();
    TrainingListener listener =
        new TrainingListener() {
          @Override
          public void onProgress(io.vigil.engine.train.TrainingProgress p) {}

          @Override
          public void onEpochEnd(io.vigil.engine.train.EpochSummary e) {
            curve.append(String.format(Locale.ROOT, " %.1f", 100 * e.testAccuracy()));
          }
        };
    long wall = System.nanoTime();
    long cpu = processCpuNanos();
    FineTuneResult r =
        FineTuner.run(
            base,
            scene.newTrain(),
            scene.newHoldout(),
            train,
            test,
            s.config(),
            GateConfig.defaults(),
            TrainingPacer.NONE,
            listener);
    double wallSeconds = (System.nanoTime() - wall) / 1e9;
    double cpuSeconds = (processCpuNanos() - cpu) / 1e9;
    double changed = Evaluation.evaluate(r.candidate(), changedTest).accuracy();
    System.out.printf(
        Locale.ROOT,
        "%-11s %-52s %6.2f%% %6.2f%% %6.2f→%6.2f%% %5.1f→%5.1f%% %6s %6.1f %6.1f  %s%n",
        appearance.cliName(),
        s.describe(),
        100 * baseChanged,
        100 * changed,
        100 * r.verdict().originalBefore(),
        100 * r.verdict().originalAfter(),
        100 * r.verdict().newBefore(),
        100 * r.verdict().newAfter(),
        r.verdict().passed() ? "passed" : "failed",
        wallSeconds,
        cpuSeconds,
        curve.toString().trim());
  }

  /** The settings of one word of the command line. */
  private record Settings(
      List<Appearance> appearances, int n, long dataSeed, FineTuneConfig config) {

    static Settings parse(String word) {
      FineTuneConfig d = FineTuneConfig.defaults();
      List<Appearance> appearances = List.of(Appearance.INVERTED);
      int n = 6_000;
      long dataSeed = 7;
      int epochs = d.epochs();
      int batch = d.batchSize();
      float lr = d.learningRate();
      OptimizerKind optimizer = d.optimizer();
      double replay = d.replayRatio();
      int threads = d.threads();
      long seed = d.seed();
      for (String pair : word.split(",")) {
        String[] kv = pair.split("=", 2);
        if (kv.length != 2) {
          throw new IllegalArgumentException("settings: '" + pair + "' is not key=value");
        }
        String v = kv[1];
        switch (kv[0]) {
          case "appearance" ->
              appearances =
                  v.equals("all")
                      ? Arrays.stream(Appearance.values())
                          .filter(a -> a != Appearance.NONE)
                          .toList()
                      : List.of(Appearance.parse(v));
          case "n" -> n = Integer.parseInt(v);
          case "data-seed" -> dataSeed = Long.parseLong(v);
          case "epochs" -> epochs = Integer.parseInt(v);
          case "batch" -> batch = Integer.parseInt(v);
          case "lr" -> lr = Float.parseFloat(v);
          case "optimizer" -> optimizer = OptimizerKind.parse(v);
          case "replay" -> replay = Double.parseDouble(v);
          case "threads" -> threads = Integer.parseInt(v);
          case "seed" -> seed = Long.parseLong(v);
          default ->
              throw new IllegalArgumentException(
                  "settings: unknown key '"
                      + kv[0]
                      + "' (known: appearance, n, data-seed, epochs, batch, lr, optimizer, replay,"
                      + " threads, seed)");
        }
      }
      return new Settings(
          appearances,
          n,
          dataSeed,
          new FineTuneConfig(epochs, batch, lr, optimizer, replay, threads, seed));
    }

    String describe() {
      return String.format(
          Locale.ROOT,
          "n=%d d=%d %s lr=%s e=%d b=%d replay=%s t=%d s=%d",
          n,
          dataSeed,
          config.optimizer(),
          config.learningRate(),
          config.epochs(),
          config.batchSize(),
          config.replayRatio(),
          config.threads(),
          config.seed());
    }
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }
}
