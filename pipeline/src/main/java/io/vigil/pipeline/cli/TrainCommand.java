package io.vigil.pipeline.cli;

import io.vigil.engine.backend.Backend;
import io.vigil.engine.data.Dataset;
import io.vigil.engine.data.Datasets;
import io.vigil.engine.data.FashionMnist;
import io.vigil.engine.io.AtomicFiles;
import io.vigil.engine.model.InputContract;
import io.vigil.engine.model.Model;
import io.vigil.engine.model.ModelFile;
import io.vigil.engine.model.Provenance;
import io.vigil.engine.network.Network;
import io.vigil.engine.train.Augmentation;
import io.vigil.engine.train.LearningRateSchedule;
import io.vigil.engine.train.OptimizerKind;
import io.vigil.engine.train.Trainer;
import io.vigil.engine.train.TrainingConfig;
import io.vigil.engine.train.TrainingResult;
import io.vigil.engine.zoo.ModelZoo;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code vigil train}: trains a network from the zoo (or continues a model file) on a data
 * directory, with a checkpoint after every epoch, and writes a model file.
 */
@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    description = {
      "Trains a network on labeled images and writes a model file.",
      "Evaluates the network on the test set after every epoch. Training is deterministic for a"
          + " given --seed.",
      "A checkpoint is written after every epoch; run the same command again after an"
          + " interruption and it continues from there (--fresh starts over).",
      "Data: IDX files (MNIST/Fashion-MNIST layout), or image folders train/CLASS/* and"
          + " test/CLASS/*."
    })
final class TrainCommand implements Callable<Integer> {

  private static final TrainingConfig DEFAULTS = TrainingConfig.defaults();

  @Spec CommandSpec spec;

  @Option(
      names = "--model",
      paramLabel = "NAME|FILE",
      description =
          "Zoo network to train from scratch, or a model file (.vgl, or .onnx: imported) to fine-tune."
              + " Default: ${DEFAULT-VALUE}")
  String model = "lenet5";

  @Option(
      names = "--data",
      paramLabel = "DIR",
      description = "Data directory (IDX files or image folders). Default: ${DEFAULT-VALUE}")
  Path data = FashionMnist.DEFAULT_DIR;

  @Option(
      names = "--out",
      paramLabel = "FILE",
      description = "Model file to write. Default: ${DEFAULT-VALUE}")
  Path modelOut = Path.of("lenet5-fashion.vgl");

  @Option(
      names = "--epochs",
      paramLabel = "N",
      description = "Passes over the training set. Default: ${DEFAULT-VALUE}")
  int epochs = DEFAULTS.epochs();

  @Option(
      names = "--batch",
      paramLabel = "N",
      description = "Images per training step. Default: ${DEFAULT-VALUE}")
  int batch = DEFAULTS.batchSize();

  @Option(
      names = "--lr",
      paramLabel = "RATE",
      description = "Learning rate. Default: ${DEFAULT-VALUE}")
  float learningRate = DEFAULTS.learningRate();

  @Option(
      names = "--momentum",
      paramLabel = "M",
      description = "SGD momentum. Default: ${DEFAULT-VALUE}")
  float momentum = DEFAULTS.momentum();

  @Option(
      names = "--weight-decay",
      paramLabel = "L2",
      description = "L2 weight decay. Default: ${DEFAULT-VALUE}")
  float weightDecay = DEFAULTS.weightDecay();

  @Option(
      names = "--optimizer",
      paramLabel = "sgd|adam",
      description = "The optimizer. Default: ${DEFAULT-VALUE}")
  String optimizer = DEFAULTS.optimizer().toString();

  @Option(
      names = "--schedule",
      paramLabel = "S",
      description =
          "Learning rate schedule: constant, step:EVERY:GAMMA, cosine[:FLOOR], onecycle[:WARMUP]."
              + " Default: ${DEFAULT-VALUE}")
  String schedule = DEFAULTS.schedule().toString();

  @Option(
      names = "--augment",
      paramLabel = "A",
      description =
          "Augmentation: none, shift:N (pad and random crop), flip, or shift:N,flip."
              + " Default: ${DEFAULT-VALUE}")
  String augment = DEFAULTS.augmentation().toString();

  @Option(
      names = "--seed",
      paramLabel = "N",
      description = "Seed for weights and shuffling. Default: ${DEFAULT-VALUE}")
  long seed = DEFAULTS.seed();

  @Option(
      names = "--limit",
      paramLabel = "N",
      description = "Train on the first N training images only (for a quick try).")
  Integer limit;

  @Option(
      names = "--checkpoint",
      paramLabel = "FILE",
      description = "Checkpoint file. Default: the --out file name + .checkpoint.")
  Path checkpoint;

  @Option(
      names = "--fresh",
      description = "Ignore an existing checkpoint and start over (replacing an existing --out).")
  boolean fresh;

  @Option(
      names = "--force",
      description =
          "Replace the --out model file if it exists. Without --force (or --fresh) train refuses"
              + " to start when it does, unless it resumes from that file's checkpoint.")
  boolean force;

  @Mixin DeviceOption device;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    TrainingConfig config = config();
    if (limit != null) {
      OptionRanges.atLeast("--limit", limit, 1);
    }
    Backend backend = device.backend();
    Path checkpointFile =
        checkpoint != null
            ? checkpoint
            : modelOut.resolveSibling(modelOut.getFileName() + ".checkpoint");
    checkOutputs(checkpointFile);
    Datasets.check(data);
    device.announce(spec.commandLine().getErr());
    Start start = start(backend);
    InputContract input = start.input();
    Dataset dataset = Datasets.open(data, input.channels(), input.height(), input.width());
    if (limit != null) {
      dataset =
          new Dataset(
              dataset.train().head(limit),
              dataset.test(),
              dataset.classNames(),
              dataset.description() + " (first " + limit + " used)");
    }
    // The network's parameters and training state are freed when training is over, whatever
    // way it ends (a fine-tuned model's network is its parent's: one owner).
    try (Network network = start.network(dataset.classNames().size())) {
      if (fresh) {
        Files.deleteIfExists(checkpointFile);
      }
      out.printf("training %s on %s%n  %s%n", start.describe(), dataset.description(), config);
      out.flush();

      TrainingResult result =
          new Trainer(network, input, config)
              .optCheckpoint(checkpointFile)
              .fit(
                  dataset.train(),
                  dataset.test(),
                  new TrainingProgressPrinter(out, spec.commandLine().getErr()));

      Provenance provenance =
          new Provenance(
              dataset.description(),
              config.epochs(),
              result.testAccuracy(),
              start.parentVersion(),
              Instant.now().toString(),
              "vigil train --model " + model + " " + config);
      Model trained = Model.create(start.name(), network, input, dataset.classNames(), provenance);
      ModelFile.save(trained, modelOut);
      Files.deleteIfExists(checkpointFile);
      ConfusionPrinter.print(result.confusion(), dataset.classNames(), out);
      out.printf(
          "test accuracy %.2f%% after %d %s in %s; wrote %s (model %s)%n",
          100 * result.testAccuracy(),
          result.epochs(),
          result.epochs() == 1 ? "epoch" : "epochs",
          ConsoleProgress.duration(result.elapsed().toMillis() / 1000.0),
          modelOut,
          trained.version());
      return 0;
    }
  }

  /**
   * Before any work: the model and checkpoint files can be written, and a model file already at
   * {@code --out} is replaced only when asked ({@code --force}, or {@code --fresh}) or when this
   * run resumes from its checkpoint.
   */
  private void checkOutputs(Path checkpointFile) throws IOException {
    AtomicFiles.checkWritable(modelOut);
    AtomicFiles.checkWritable(checkpointFile);
    if (Files.exists(modelOut) && !force && !fresh && !Files.exists(checkpointFile)) {
      throw new IOException(
          modelOut
              + " already exists; train replaces a model file only with --force (or --fresh):"
              + " give one, or another --out");
    }
  }

  /** The hyperparameters the options give; a value out of range is a bad argument. */
  private TrainingConfig config() {
    return new TrainingConfig(
            OptionRanges.atLeast("--epochs", epochs, 1),
            OptionRanges.atLeast("--batch", batch, 1),
            (float) OptionRanges.positive("--lr", learningRate),
            (float) OptionRanges.fraction("--momentum", momentum),
            (float) OptionRanges.notNegative("--weight-decay", weightDecay),
            seed)
        .withOptimizer(OptionRanges.parsed("--optimizer", optimizer, OptimizerKind::parse))
        .withSchedule(OptionRanges.parsed("--schedule", schedule, LearningRateSchedule::parse))
        .withAugmentation(OptionRanges.parsed("--augment", augment, Augmentation::parse));
  }

  /** Where training starts: a fresh zoo network, or a trained model to fine-tune. */
  private Start start(Backend backend) throws java.io.IOException {
    if (ModelZoo.contains(model)) {
      ModelZoo.Entry entry = ModelZoo.get(model);
      return new Start(
          modelName(),
          entry.input(),
          classes -> entry.create(seed, classes, backend),
          null,
          entry.name() + " (from scratch, seed " + seed + ")");
    }
    Path file = Path.of(model);
    if (!Files.exists(file)) {
      throw new IllegalArgumentException(
          "--model " + model + ": neither a zoo network " + zooNames() + " nor an existing file");
    }
    Model parent = ModelFiles.load(file, backend);
    return new Start(
        parent.name(),
        parent.input(),
        classes -> {
          if (classes != parent.classNames().size()) {
            throw new IllegalArgumentException(
                "model "
                    + parent.version()
                    + " has "
                    + parent.classNames().size()
                    + " classes but the data has "
                    + classes);
          }
          return parent.network();
        },
        parent.version(),
        "model " + parent.version() + " from " + file + " (fine-tuning)");
  }

  /** The model's name is the output file's, without its extension: it starts the version. */
  private String modelName() {
    String file = modelOut.getFileName().toString();
    int dot = file.lastIndexOf('.');
    return dot > 0 ? file.substring(0, dot) : file;
  }

  private static List<String> zooNames() {
    return ModelZoo.entries().stream().map(ModelZoo.Entry::name).toList();
  }

  /** The network to train, its input contract, and what to record about where it came from. */
  private record Start(
      String name,
      InputContract input,
      java.util.function.IntFunction<Network> networkForClasses,
      String parentVersion,
      String describe) {
    Network network(int classes) {
      return networkForClasses.apply(classes);
    }
  }
}
