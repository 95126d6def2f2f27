package io.vigil.pipeline.cli;

import io.vigil.engine.backend.Backend;
import io.vigil.engine.model.Model;
import io.vigil.engine.model.ModelFile;
import io.vigil.onnx.ImportOptions;
import io.vigil.onnx.OnnxImport;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/** Loads the model file a command names: a vigil model file, or an ONNX file imported as it is. */
final class ModelFiles {

  /** The extension of ONNX files. */
  static final String ONNX = ".onnx";

  private ModelFiles() {}

  /**
   * Loads {@code file} onto {@code backend}: a {@code .onnx} file is imported with everything taken
   * from its metadata or the defaults ({@link ImportOptions#defaults()}), any other file is read as
   * a vigil model file.
   */
  static Model load(Path file, Backend backend) throws IOException {
    if (isOnnx(file)) {
      return OnnxImport.read(file, ImportOptions.defaults(), backend);
    }
    return ModelFile.load(file, backend);
  }

  /** Whether {@code file}'s name ends in {@code .onnx}, in any case. */
  static boolean isOnnx(Path file) {
    Path name = file.getFileName();
    return name != null && name.toString().toLowerCase(Locale.ROOT).endsWith(ONNX);
  }
}
