package io.vigil.pipeline.cli;

import io.vigil.pipeline.config.ConfigPaths;
import java.nio.file.Path;

/** Where a relative path of the configuration points: {@link ConfigPaths} with vigil's home. */
final class RunPaths {

  private RunPaths() {}

  /** The rule of {@link ConfigPaths} from the working directory and vigil's home. */
  static ConfigPaths paths() {
    return ConfigPaths.from(RuntimeOptions.home());
  }

  /** As given if it exists or is absolute, else under vigil's home (the launcher's folder). */
  static Path resolve(String path) {
    return paths().apply(path);
  }
}
