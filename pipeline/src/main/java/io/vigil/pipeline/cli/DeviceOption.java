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

  /**
   * The backend {@code --device} names.
   *
   * @throws BadArgumentException naming the known backends or devices when it names none of them
   * @throws IllegalStateException when the backend it names cannot run on this machine
   */
  Backend backend() {
    try {
      return Backends.create(device);
    } catch (IllegalArgumentException e) {
      // An unknown backend, or a device index or name that matches no device: a bad argument.
      String message = e.getMessage().strip().replaceAll("\\s*\\R\\s*", " ");
      throw new BadArgumentException("--device " + device + ": " + message, e);
    }
  }
}
