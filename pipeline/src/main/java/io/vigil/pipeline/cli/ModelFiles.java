package io.vigil.pipeline.cli;

import io.vigil.engine.backend.Backend;
import io.vigil.engine.model.Model;
import io.vigil.engine.model.ModelFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/** Loads the model file a command names. */
final class ModelFiles {

  /** The extension of ONNX files. */
  static final String ONNX = ".onnx";

  private ModelFiles() {}

  /** Loads {@code file} (a vigil model file) onto {@code backend}. */
  static Model load(Path file, Backend backend) throws IOException {
    return ModelFile.load(file, backend);
  }

  /** Whether {@code file}'s name ends in {@code .onnx}, in any case. */
  static boolean isOnnx(Path file) {
    Path name = file.getFileName();
    return name != null && name.toString().toLowerCase(Locale.ROOT).endsWith(ONNX);
  }
}
