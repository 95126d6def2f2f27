package io.vigil.pipeline.cli;

import io.vigil.engine.backend.cpu.CpuBackend;
import io.vigil.engine.network.NetworkSpec;
import io.vigil.engine.summary.ContractSummary;
import io.vigil.engine.summary.NetworkSummary;
import io.vigil.engine.summary.SummaryTable;
import io.vigil.engine.zoo.ModelZoo;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code vigil model ...}: look at networks and model files. */
@Command(
    name = "model",
    mixinStandardHelpOptions = true,
    description = "Looks at networks of the zoo and model files.",
    subcommands = {ModelCommand.Summary.class, ModelCommand.Zoo.class})
final class ModelCommand implements Runnable {

  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** {@code vigil model summary NAME|FILE}: memory and cost per layer. */
  @Command(
      name = "summary",
      mixinStandardHelpOptions = true,
      description = {
        "Prints a network's sizes layer by layer.",
        "For one image: every layer's output size, activations, parameters and multiply-adds,"
            + " and the totals (memory as float32, GFLOPs), like the CS231n VGG-16 table."
      })
  static final class Summary implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Parameters(
        paramLabel = "NAME|FILE",
        description = "A zoo network or a model file (.vgl, or .onnx).")
    String model;

    @Option(
        names = "--classes",
        paramLabel = "N",
        description = "Outputs of a zoo network. Default: ${DEFAULT-VALUE}")
    int classes = 1000;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      OptionRanges.atLeast("--classes", classes, 1);
      NetworkSpec graph;
      if (ModelZoo.contains(model)) {
        ModelZoo.Entry entry = ModelZoo.get(model);
        graph = entry.spec(classes);
        out.println(entry.name() + ": " + entry.description() + ", " + classes + " classes");
        out.println(ContractSummary.input(entry.input()));
      } else if (Files.exists(Path.of(model))) {
        ModelSummaries.print(ModelFiles.load(Path.of(model), CpuBackend.shared()), out);
        return 0;
      } else {
        throw new IllegalArgumentException(
            model
                + ": neither a zoo network "
                + ModelZoo.entries().stream().map(ModelZoo.Entry::name).toList()
                + " nor an existing file");
      }
      for (String line : SummaryTable.render(NetworkSummary.of(graph))) {
        out.println(line);
      }
      return 0;
    }
  }

  /** {@code vigil model zoo}: what the zoo holds. */
  @Command(name = "zoo", mixinStandardHelpOptions = true, description = "Lists the zoo's networks.")
  static final class Zoo implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      int width = ModelZoo.entries().stream().mapToInt(e -> e.name().length()).max().orElse(1);
      for (ModelZoo.Entry e : ModelZoo.entries()) {
        spec.commandLine().getOut().printf("%-" + width + "s  %s%n", e.name(), e.description());
      }
      return 0;
    }
  }
}
