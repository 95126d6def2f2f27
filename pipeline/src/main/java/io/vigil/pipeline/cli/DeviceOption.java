package io.vigil.pipeline.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import io.vigil.engine.backend.Backend;
import io.vigil.engine.backend.Backends;
import java.io.PrintWriter;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Option;

/**
 * The {@code --device} option of the commands that run the engine, and {@code --verbose}, which
 * shows what they log.
 */
final class DeviceOption {

  @Option(
      names = "--device",
      paramLabel = "SPEC",
      description =
          "Where the engine runs: cpu (default), opencl, opencl:INDEX, opencl:NAME or auto"
              + " (a GPU if there is one, else the CPU). `vigil devices` lists them.")
  String device = Backends.CPU;

  @Option(
      names = "--verbose",
      description =
          "Log at DEBUG: FFmpeg's own lines, every file's failure as it happens, backend"
              + " discovery (as VIGIL_LOG_LEVEL=debug does).")
  void verbose(boolean on) {
    if (on) {
      ((Logger) LoggerFactory.getLogger("io.vigil")).setLevel(Level.DEBUG);
    }
  }

  private Backends.Choice choice;

  /**
   * The backend {@code --device} names; {@link #announce} prints the choice once the command has
   * checked what it can before starting work.
   *
   * @throws BadArgumentException naming the known backends or devices when it names none of them
   * @throws IllegalStateException when the backend it names cannot run on this machine
   */
  Backend backend() {
    try {
      choice = Backends.choose(device);
    } catch (IllegalArgumentException e) {
      // An unknown backend, or a device index or name that matches no device: a bad argument.
      String message = e.getMessage().strip().replaceAll("\\s*\\R\\s*", " ");
      throw new BadArgumentException("--device " + device + ": " + message, e);
    }
    return choice.backend();
  }

  /** Prints the device {@link #backend} chose, in one line, whatever the log level. */
  void announce(PrintWriter err) {
    if (choice != null) {
      err.println(choice.describe());
    }
  }
}
