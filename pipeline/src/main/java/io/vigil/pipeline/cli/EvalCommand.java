package io.vigil.pipeline.cli;

import io.vigil.engine.backend.Backend;
import io.vigil.engine.data.Datasets;
import io.vigil.engine.data.FashionMnist;
import io.vigil.engine.data.LabeledImages;
import io.vigil.engine.data.TestSet;
import io.vigil.engine.model.InputContract;
import io.vigil.engine.model.Model;
import io.vigil.engine.train.Evaluation;
import io.vigil.engine.train.EvaluationResult;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code vigil eval MODEL}: a model's accuracy and confusion matrix on the test set of a data
 * directory (default: Fashion-MNIST's).
 */
@Command(
    name = "eval",
    mixinStandardHelpOptions = true,
    description = {
      "Prints a model's test accuracy and confusion matrix.",
      "Data: IDX files (MNIST/Fashion-MNIST layout: the t10k files are read), or image folders"
          + " (test/CLASS/*, classes named by train/CLASS/), as vigil train takes them. Image"
          + " folders are resized to the model's input; IDX images are not, so they must be the"
          + " model's size (or be centred on a black border no wider than themselves, as 28×28"
          + " images for 32×32 inputs)."
    })
final class EvalCommand implements Callable<Integer> {

  /** How often the progress line is redrawn, in nanoseconds. */
  private static final long PROGRESS_EVERY = 1_000_000_000L;

  @Spec CommandSpec spec;

  @Parameters(
      paramLabel = "MODEL",
      description = "The model file (.vgl, or .onnx: imported as it is).")
  Path modelFile;

  @Option(
      names = "--data",
      paramLabel = "DIR",
      description = "Data directory (IDX files or image folders). Default: ${DEFAULT-VALUE}")
  Path data = FashionMnist.DEFAULT_DIR;

  @Mixin DeviceOption device;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Backend backend = device.backend();
    Datasets.check(data);
    try (Model model = ModelFiles.load(modelFile, backend)) {
      return evaluate(model, out, err);
    }
  }

  /** Evaluates {@code model} on the test set, with progress on {@code err}; the exit code. */
  private int evaluate(Model model, PrintWriter out, PrintWriter err) throws IOException {
    InputContract input = model.input();
    TestSet test = Datasets.openTest(data, input.channels(), input.height(), input.width());
    LabeledImages images = relabelled(fitted(test.images(), model), test, model);
    device.announce(err);
    out.printf("model %s on %s%n", model.version(), test.description());
    out.flush();

    ConsoleProgress progress = new ConsoleProgress(err);
    long started = System.nanoTime();
    long[] shown = {started};
    EvaluationResult result =
        Evaluation.evaluate(
            model,
            images,
            done -> {
              long now = System.nanoTime();
              if (now - shown[0] >= PROGRESS_EVERY && done < images.count()) {
                shown[0] = now;
                double seconds = (now - started) / 1e9;
                double rate = done / seconds;
                progress.show(
                    String.format(
                        Locale.ROOT,
                        "eval: %,d/%,d images, %,.0f images/s, ETA %s",
                        done,
                        images.count(),
                        rate,
                        ConsoleProgress.duration((images.count() - done) / rate)));
              }
            });
    progress.done();
    ConfusionPrinter.print(result.confusion(), model.classNames(), out);
    out.println(String.format(Locale.ROOT, "accuracy %.2f %%", 100 * result.accuracy()));
    return 0;
  }

  /**
   * The images as the model takes them: image folders are already at its size; IDX images of its
   * size are used as they are, smaller ones centred on a black canvas when they cover at least half
   * of each side (LeNet-5's 28×28 digits in a 32×32 field); anything else is a bad argument naming
   * both shapes. Gray images feed an RGB model as three equal channels.
   */
  private LabeledImages fitted(LabeledImages images, Model model) {
    InputContract input = model.input();
    if (images.height() == input.height() && images.width() == input.width()) {
      return images;
    }
    boolean smaller = images.height() <= input.height() && images.width() <= input.width();
    boolean coversHalf =
        2 * images.height() >= input.height() && 2 * images.width() >= input.width();
    if (smaller && coversHalf) {
      return images.padTo(input.height(), input.width());
    }
    throw new BadArgumentException(
        "model "
            + model.version()
            + " takes "
            + input.channels()
            + "×"
            + input.height()
            + "×"
            + input.width()
            + " images but "
            + data
            + " holds "
            + images.channels()
            + "×"
            + images.height()
            + "×"
            + images.width()
            + " images (IDX images are not resized; image folders are)");
  }

  /**
   * The images with labels that index the model's classes: by name when every class of the data is
   * one of the model's (image folders list theirs in sorted order), else by position when the model
   * has at least as many classes (saying so on stderr); more classes than the model knows are a bad
   * argument.
   */
  private LabeledImages relabelled(LabeledImages images, TestSet test, Model model) {
    List<String> modelClasses = model.classNames();
    List<String> dataClasses = test.classNames();
    if (modelClasses.containsAll(dataClasses)) {
      if (modelClasses.subList(0, dataClasses.size()).equals(dataClasses)) {
        return images;
      }
      int[] labels = images.labels().clone();
      for (int i = 0; i < labels.length; i++) {
        labels[i] = modelClasses.indexOf(dataClasses.get(labels[i]));
      }
      return new LabeledImages(
          images.count(),
          images.channels(),
          images.height(),
          images.width(),
          images.pixels(),
          labels);
    }
    if (dataClasses.size() > modelClasses.size()) {
      throw new BadArgumentException(
          "model "
              + model.version()
              + " knows "
              + modelClasses.size()
              + " classes but "
              + data
              + " has "
              + dataClasses.size()
              + " "
              + dataClasses);
    }
    spec.commandLine()
        .getErr()
        .println(
            "eval: the classes of "
                + data
                + " "
                + dataClasses
                + " are not the model's "
                + modelClasses
                + "; label i is taken as the model's class i");
    return images;
  }
}
