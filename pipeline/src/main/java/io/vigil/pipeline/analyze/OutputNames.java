package io.vigil.pipeline.analyze;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where a stream's outputs go in a run's output folder: {@code <stream>.jsonl} (results) and {@code
 * <stream>.summary.json} (its summary, committed last, so its presence means both are complete).
 */
public final class OutputNames {

  /** The run summary's name in the output folder. */
  public static final String RUN_SUMMARY = "run-summary.json";

  private OutputNames() {}

  public static Path results(Path outDir, String stream) {
    return outDir.resolve(stream + ".jsonl");
  }

  public static Path summary(Path outDir, String stream) {
    return outDir.resolve(stream + ".summary.json");
  }

  /** Whether an earlier run finished {@code stream}: both its files are there. */
  public static boolean complete(Path outDir, String stream) {
    return Files.isRegularFile(results(outDir, stream))
        && Files.isRegularFile(summary(outDir, stream));
  }
}
