package io.vigil.pipeline.cli;

import io.vigil.engine.backend.Backend;
import io.vigil.engine.backend.Backends;
import picocli.CommandLine.Option;

/** The {@code --device} option of the commands that run the engine. */
final class DeviceOption {

  @Option(
      names = "--device",
      paramLabel = "SPEC",
      description =
          "Where the engine runs: cpu (default), opencl, opencl:INDEX, opencl:NAME or auto"
              + " (a GPU if there is one). `vigil devices` lists them.")
  String device = Backends.CPU;

  /** The backend {@code --device} names; fails with the known names when it is unknown. */
  Backend backend() {
    return Backends.create(device);
  }
}
