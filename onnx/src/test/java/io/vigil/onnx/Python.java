package io.vigil.onnx;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the test scripts in {@code src/test/python} with Debian's interpreter ({@code
 * /usr/bin/python3}, which has python3-torch, python3-onnx and python3-opencv; another python3
 * earlier on PATH may not). A script that fails, or runs past its time, fails the test with the
 * script's own output.
 */
final class Python {

  private static final Path INTERPRETER = Path.of("/usr/bin/python3");
  private static final Path SCRIPTS = Path.of("src/test/python");

  private Python() {}

  /** Runs {@code script} with {@code args}; returns its standard output and error, merged. */
  static String run(String script, long timeoutSeconds, String... args)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(INTERPRETER.toString());
    command.add(SCRIPTS.resolve(script).toString());
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    // Two cores: PyTorch's OpenMP threads and OpenBLAS's own would otherwise fight.
    builder.environment().put("OPENBLAS_NUM_THREADS", "1");
    Path log = Files.createTempFile("python-", ".log");
    try {
      Process process = builder.redirectOutput(log.toFile()).start();
      if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
        throw new AssertionError(
            script + " ran past " + timeoutSeconds + " s; its output:\n" + read(log));
      }
      String output = read(log);
      if (process.exitValue() != 0) {
        throw new AssertionError(
            script + " exited " + process.exitValue() + "; its output:\n" + output);
      }
      return output;
    } finally {
      Files.deleteIfExists(log);
    }
  }

  private static String read(Path log) throws IOException {
    return Files.readString(log, StandardCharsets.UTF_8);
  }
}
