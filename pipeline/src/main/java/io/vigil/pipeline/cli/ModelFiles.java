package io.vigil.pipeline.cli;

import io.vigil.engine.backend.Backend;
import io.vigil.engine.model.Model;
import io.vigil.engine.model.ModelFile;
import java.io.IOException;
import java.nio.file.Path;

/** Loads the model file a command names. */
final class ModelFiles {

  private ModelFiles() {}

  /** Loads {@code file} (a vigil model file) onto {@code backend}. */
  static Model load(Path file, Backend backend) throws IOException {
    return ModelFile.load(file, backend);
  }
}
