package io.vigil.pipeline.cli;

import io.vigil.engine.backend.BackendProvider;
import io.vigil.engine.backend.Backends;
import io.vigil.engine.backend.cpu.CpuBackend;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code vigil devices}: where the engine can run, as {@code --device} spells it. */
@Command(
    name = "devices",
    mixinStandardHelpOptions = true,
    description = {
      "Lists the backends the engine can run on and their devices.",
      "Devices are numbered as --device takes them (e.g. --device opencl:0); a backend that is"
          + " unavailable says why."
    })
final class DevicesCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    out.println("cpu: " + CpuBackend.shared().name());
    for (BackendProvider provider : Backends.providers()) {
      if (provider.unavailableReason().isPresent()) {
        out.println(provider.name() + ": unavailable: " + provider.unavailableReason().get());
        continue;
      }
      List<String> devices = provider.devices();
      out.println(provider.name() + ": " + devices.size() + " device(s)");
      for (int i = 0; i < devices.size(); i++) {
        out.println("  " + provider.name() + ":" + i + "  " + devices.get(i));
      }
    }
    return 0;
  }
}
