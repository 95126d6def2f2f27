package io.vigil.pipeline.cli;

import io.vigil.engine.data.FashionMnist;
import io.vigil.engine.data.LabeledImages;
import io.vigil.engine.model.Model;
import io.vigil.engine.model.ModelFile;
import io.vigil.engine.model.Provenance;
import io.vigil.engine.network.Network;
import io.vigil.engine.train.EpochSummary;
import io.vigil.engine.train.Trainer;
import io.vigil.engine.train.TrainingConfig;
import io.vigil.engine.train.TrainingListener;
import io.vigil.engine.train.TrainingProgress;
import io.vigil.engine.train.TrainingResult;
import io.vigil.engine.zoo.LeNet5;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code vigil train}: trains LeNet-5 on Fashion-MNIST and writes a model file. */
@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    description = {
      "Trains a LeNet-5 network on Fashion-MNIST (IDX files), evaluates it on the test set",
      "and writes a model file. Training is deterministic for a given --seed."
    })
final class TrainCommand implements Callable<Integer> {

  private static final TrainingConfig DEFAULTS = TrainingConfig.defaults();

  @Spec CommandSpec spec;

  @Option(
      names = "--data",
      paramLabel = "DIR",
      description =
          "Directory of the Fashion-MNIST IDX files (plain or .gz). Default: ${DEFAULT-VALUE}")
  Path data = FashionMnist.DEFAULT_DIR;

  @Option(
      names = "--out",
      paramLabel = "FILE",
      description = "Model file to write. Default: ${DEFAULT-VALUE}")
  Path modelOut = Path.of("lenet5-fashion.vgl");

  @Option(names = "--epochs", paramLabel = "N", description = "Passes over the training set.")
  int epochs = DEFAULTS.epochs();

  @Option(names = "--batch", paramLabel = "N", description = "Images per training step.")
  int batch = DEFAULTS.batchSize();

  @Option(names = "--lr", paramLabel = "RATE", description = "Learning rate.")
  float learningRate = DEFAULTS.learningRate();

  @Option(names = "--momentum", paramLabel = "M", description = "SGD momentum.")
  float momentum = DEFAULTS.momentum();

  @Option(names = "--weight-decay", paramLabel = "L2", description = "L2 weight decay.")
  float weightDecay = DEFAULTS.weightDecay();

  @Option(names = "--seed", paramLabel = "N", description = "Seed for weights and shuffling.")
  long seed = DEFAULTS.seed();

  @Option(
      names = "--limit",
      paramLabel = "N",
      description = "Train on the first N training images only (for a quick try).")
  Integer limit;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    TrainingConfig config =
        new TrainingConfig(epochs, batch, learningRate, momentum, weightDecay, seed);
    LabeledImages train = FashionMnist.train(data);
    LabeledImages test = FashionMnist.test(data);
    if (limit != null) {
      train = train.head(limit);
    }
    out.printf(
        "training LeNet-5 on %d Fashion-MNIST images (%d test) from %s: %s%n",
        train.count(), test.count(), data, config);
    Network network = LeNet5.create(seed);
    ConsoleProgress progress = new ConsoleProgress(err);
    TrainingResult result =
        new Trainer(network, LeNet5.INPUT, config)
            .fit(
                train,
                test,
                new TrainingListener() {
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
                            ConsoleProgress.duration(p.eta().toMillis() / 1000.0)));
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
                });
    progress.done();
    Provenance provenance =
        new Provenance(
            String.format("fashion-mnist: %d train, %d test images", train.count(), test.count()),
            config.epochs(),
            result.testAccuracy(),
            null,
            Instant.now().toString(),
            "vigil train " + config);
    Model model =
        Model.create("lenet5-fashion", network, LeNet5.INPUT, FashionMnist.CLASS_NAMES, provenance);
    ModelFile.save(model, modelOut);
    out.printf(
        "test accuracy %.2f%% after %d epochs in %s; wrote %s (model %s)%n",
        100 * result.testAccuracy(),
        result.epochs(),
        ConsoleProgress.duration(result.elapsed().toMillis() / 1000.0),
        modelOut,
        model.version());
    return 0;
  }
}
