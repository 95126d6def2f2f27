package io.vigil.engine.train;

import io.vigil.engine.backend.cpu.CpuBackend;
import io.vigil.engine.bench.ChangedScene;
import io.vigil.engine.data.Appearance;
import io.vigil.engine.data.FashionMnist;
import io.vigil.engine.data.LabeledImages;
import io.vigil.engine.model.Model;
import io.vigil.engine.model.ModelFile;
import io.vigil.engine.network.Network;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.IntFunction;

/**
 * The experiments behind {@link FineTuneConfig#defaults()} (a benchmark, not a unit test; {@code
 * bench/engine/finetune.sh sweep SETTINGS...} runs it): the fine-tune of {@code
 * io.vigil.engine.bench.FineTuneBench} on the same data, with the settings {@link FineTuner} fixes
 * open too. Each settings word is comma-separated {@code key=value} pairs over the defaults: those
 * of {@code FineTuneBench} ({@code appearance}, {@code n}, {@code data-seed}, {@code epochs},
 * {@code batch}, {@code lr}, {@code optimizer}, {@code replay}, {@code threads}, {@code seed}) and
 * {@code schedule} (as {@code vigil train --schedule}), {@code augment} ({@code shift:N} or {@code
 * flip}; {@code +} joins two), {@code momentum}, {@code weight-decay}, and {@code replay-mode}:
 * {@code fresh} (other originals every epoch, as FineTuner does) or {@code fixed} (the same
 * originals every epoch).
 */
public final class FineTuneSweep {

  private FineTuneSweep() {}

  public static void main(String[] args) throws Exception {
    Model base = ModelFile.load(Path.of("models/lenet5-fashion.vgl"));
    LabeledImages train = FashionMnist.train(FashionMnist.DEFAULT_DIR);
    LabeledImages test = FashionMnist.test(FashionMnist.DEFAULT_DIR);
    System.out.printf(
        "# fine-tune sweep of %s, load %.2f%n",
        base.version(), ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    System.out.printf(
        "%-11s %-100s %7s %7s %15s %6s  %s%n",
        "change", "settings", "base", "after", "original", "CPU-s", "held-out per epoch");
    for (String word : args) {
      runOne(base, train, test, word);
    }
  }

  private static void runOne(Model base, LabeledImages train, LabeledImages test, String word) {
    FineTuneConfig d = FineTuneConfig.defaults();
    Appearance appearance = Appearance.INVERTED;
    int n = 6_000;
    long dataSeed = 7;
    TrainingConfig tc = d.trainingConfig();
    double replay = d.replayRatio();
    int threads = d.threads();
    boolean fresh = true;
    for (String pair : word.split(",")) {
      String[] kv = pair.split("=", 2);
      String v = kv[1];
      switch (kv[0]) {
        case "appearance" -> appearance = Appearance.parse(v);
        case "n" -> n = Integer.parseInt(v);
        case "data-seed" -> dataSeed = Long.parseLong(v);
        case "replay" -> replay = Double.parseDouble(v);
        case "threads" -> threads = Integer.parseInt(v);
        case "replay-mode" -> fresh = v.equals("fresh");
        case "epochs" -> tc = tc.withEpochs(Integer.parseInt(v));
        case "optimizer" -> tc = tc.withOptimizer(OptimizerKind.parse(v));
        case "schedule" -> tc = tc.withSchedule(LearningRateSchedule.parse(v));
        case "augment" -> tc = tc.withAugmentation(Augmentation.parse(v.replace('+', ',')));
        case "batch", "lr", "momentum", "weight-decay", "seed" -> tc = with(tc, kv[0], v);
        default -> throw new IllegalArgumentException("sweep: unknown key '" + kv[0] + "'");
      }
    }
    ChangedScene scene = ChangedScene.of(train, test, appearance, n, dataSeed);
    int perEpoch = (int) Math.round(replay * n);
    ReplayMix mix =
        new ReplayMix(scene.newTrain(), train, perEpoch, fresh ? tc.epochs() : 1, tc.seed());
    IntFunction<LabeledImages> sets = fresh ? mix : epoch -> mix.apply(1);
    Network network = FineTuner.copy(base.network(), new CpuBackend(threads));
    Model before =
        Model.create(base.name(), network, base.input(), base.classNames(), base.provenance());
    double baseChanged = Evaluation.evaluate(before, scene.changedTest()).accuracy();
    double baseOriginal = Evaluation.evaluate(before, test).accuracy();
    StringBuilder curve = new StringBuilder();
    long cpu = processCpuNanos();
    new Trainer(network, base.input(), tc)
        .fit(
            mix.count(),
            sets,
            scene.newHoldout(),
            new TrainingListener() {
              @Override
              public void onProgress(TrainingProgress p) {}

              @Override
              public void onEpochEnd(EpochSummary s) {
                curve.append(String.format(Locale.ROOT, " %.1f", 100 * s.testAccuracy()));
              }
            });
    double cpuSeconds = (processCpuNanos() - cpu) / 1e9;
    Model after =
        Model.create(base.name(), network, base.input(), base.classNames(), base.provenance());
    System.out.printf(
        Locale.ROOT,
        "%-11s %-100s %6.2f%% %6.2f%% %6.2f→%6.2f%% %6.1f  %s%n",
        appearance.cliName(),
        String.format(
            Locale.ROOT,
            "n=%d d=%d replay=%s %s t=%d %s",
            n,
            dataSeed,
            replay,
            fresh ? "fresh" : "fixed",
            threads,
            tc),
        100 * baseChanged,
        100 * Evaluation.evaluate(after, scene.changedTest()).accuracy(),
        100 * baseOriginal,
        100 * Evaluation.evaluate(after, test).accuracy(),
        cpuSeconds,
        curve.toString().trim());
  }

  private static TrainingConfig with(TrainingConfig c, String key, String v) {
    TrainingConfig out =
        new TrainingConfig(
            c.epochs(),
            key.equals("batch") ? Integer.parseInt(v) : c.batchSize(),
            key.equals("lr") ? Float.parseFloat(v) : c.learningRate(),
            key.equals("momentum") ? Float.parseFloat(v) : c.momentum(),
            key.equals("weight-decay") ? Float.parseFloat(v) : c.weightDecay(),
            key.equals("seed") ? Long.parseLong(v) : c.seed(),
            c.optimizer(),
            c.schedule(),
            c.augmentation());
    return out;
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }
}
