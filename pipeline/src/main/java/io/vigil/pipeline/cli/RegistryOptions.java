package io.vigil.pipeline.cli;

import io.vigil.pipeline.registry.ModelRegistry;
import io.vigil.pipeline.registry.SlotSettings;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The options of {@code vigil models ...}: which registry folder, or the configuration naming it.
 */
final class RegistryOptions {

  @Option(
      names = "--registry",
      paramLabel = "DIR",
      description = "Registry folder (default from config: vigil.registry.dir).")
  Path registry;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "HOCON file with settings; only vigil.registry.dir is read here.")
  Path configFile;

  /** Opens the registry {@code --registry} names, else the configured one. */
  ModelRegistry open() throws IOException {
    return ModelRegistry.open(dir());
  }

  /** The class lists the running outputs accept ({@code vigil.registry.accept-classes}). */
  List<List<String>> acceptedClassLists() {
    RuntimeOptions runtime = new RuntimeOptions();
    runtime.configFile = configFile;
    return SlotSettings.acceptedClassLists(runtime.config());
  }

  /**
   * {@code --registry} as given; else {@code vigil.registry.dir}, a relative path taken as given
   * when it exists and otherwise under vigil's home (as {@code vigil run} resolves its paths).
   */
  Path dir() {
    if (registry != null) {
      return registry;
    }
    RuntimeOptions runtime = new RuntimeOptions();
    runtime.configFile = configFile;
    return RunPaths.resolve(runtime.config().getString("vigil.registry.dir"));
  }
}
