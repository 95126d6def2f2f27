package io.vigil.pipeline.cli;

import io.vigil.engine.backend.BackendProvider;
import io.vigil.engine.backend.Backends;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code vigil tune}: finds the fastest kernel parameters for a device. */
@Command(
    name = "tune",
    mixinStandardHelpOptions = true,
    description = {
      "Times the GEMM kernel's tuning parameters on a device.",
      "Tries register blocks, vector widths and dot-product splits, prints every trial and the"
          + " best, and with --write stores the best row in the user's tuning table, which then"
          + " overrides the shipped one for that device."
    })
final class TuneCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--device",
      paramLabel = "SPEC",
      description =
          "The device to tune: opencl, opencl:INDEX or opencl:NAME. Default: ${DEFAULT-VALUE}")
  String device = "opencl";

  @Option(names = "--write", description = "Store the best row in the user's tuning table.")
  boolean write;

  @Option(
      names = "--seconds-per-trial",
      paramLabel = "S",
      description = "Time spent on each candidate and shape. Default: ${DEFAULT-VALUE}")
  double secondsPerTrial = 0.5;

  @Override
  public Integer call() throws Exception {
    OptionRanges.positive("--seconds-per-trial", secondsPerTrial);
    int colon = device.indexOf(':');
    String name = (colon < 0 ? device : device.substring(0, colon)).toLowerCase(Locale.ROOT);
    String deviceSpec = colon < 0 ? "" : device.substring(colon + 1);
    PrintWriter out = spec.commandLine().getOut();
    for (BackendProvider provider : Backends.providers()) {
      if (provider.name().equals(name)) {
        if (provider.unavailableReason().isPresent()) {
          throw new IllegalStateException(
              "backend '" + name + "' is not available: " + provider.unavailableReason().get());
        }
        try {
          provider.tune(deviceSpec, write, secondsPerTrial, line -> out.println(line));
        } catch (IllegalArgumentException e) {
          // The device index or name matches no device (the tuner checks it before it starts).
          String message = e.getMessage().strip().replaceAll("\\s*\\R\\s*", " ");
          throw new BadArgumentException("--device " + device + ": " + message, e);
        }
        return 0;
      }
    }
    throw new BadArgumentException(
        "--device " + device + ": no tunable backend '" + name + "' (tunable: " + tunable() + ")");
  }

  private static java.util.List<String> tunable() {
    return Backends.providers().stream().map(BackendProvider::name).toList();
  }
}
