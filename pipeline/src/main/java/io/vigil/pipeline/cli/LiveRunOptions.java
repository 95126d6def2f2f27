package io.vigil.pipeline.cli;

import com.typesafe.config.Config;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The options of the commands that start the live pipeline ({@code run}, {@code serve}). */
final class LiveRunOptions {

  @Option(
      names = "--model",
      paramLabel = "FILE",
      description =
          "Model file to publish and serve (default: the registry's active version, else"
              + " vigil.run.model).")
  Path model;

  @Option(
      names = "--out",
      paramLabel = "DIR",
      description = "Results folder (default from config: vigil.run.out).")
  Path out;

  /** The run {@code config} describes, with these options over it ({@link LiveRun#prepare}). */
  LiveRun prepare(Config config) throws IOException {
    return LiveRun.prepare(config, model, out);
  }
}
