package io.vigil.pipeline.cli;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where a relative path of the configuration points. */
final class RunPaths {

  private RunPaths() {}

  /** As given if it exists or is absolute, else under vigil's home (the launcher's folder). */
  static Path resolve(String path) {
    Path p = Path.of(path);
    return p.isAbsolute() || Files.exists(p) ? p : RuntimeOptions.home().resolve(p);
  }
}
