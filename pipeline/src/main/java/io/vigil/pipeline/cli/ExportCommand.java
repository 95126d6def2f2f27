package io.vigil.pipeline.cli;

import io.vigil.engine.backend.cpu.CpuBackend;
import io.vigil.engine.io.AtomicFiles;
import io.vigil.engine.model.Model;
import io.vigil.onnx.OnnxExport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code vigil export MODEL.vgl --out MODEL.onnx}: a vigil model as an ONNX file. */
@Command(
    name = "export",
    mixinStandardHelpOptions = true,
    description = {
      "Writes a vigil model file as an ONNX file (opset 13) that ONNX-reading tools run.",
      "The network ends in its logits (no softmax); the input contract and class names go into"
          + " the file's metadata (vigil.mean, vigil.std, vigil.classes, vigil.name), where vigil"
          + " import reads them back."
    })
final class ExportCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Parameters(paramLabel = "MODEL.vgl", description = "The model file (.vgl, or .onnx).")
  Path modelFile;

  @Option(
      names = "--out",
      required = true,
      paramLabel = "FILE",
      description = "The ONNX file to write (.onnx), atomically.")
  Path out;

  @Option(names = "--force", description = "Replace the --out file if it exists.")
  boolean force;

  @Override
  public Integer call() throws Exception {
    if (!ModelFiles.isOnnx(out)) {
      throw new BadArgumentException("--out " + out + ": an ONNX file's name ends in .onnx");
    }
    AtomicFiles.checkWritable(out);
    if (Files.exists(out) && !force) {
      throw new IOException(out + " already exists; export replaces a file only with --force");
    }
    Model model = ModelFiles.load(modelFile, CpuBackend.shared());
    OnnxExport.write(model, out);
    spec.commandLine()
        .getOut()
        .println(
            String.format(
                Locale.ROOT,
                "exported %s to %s (ONNX opset %d, %,d bytes)",
                model.version(),
                out,
                OnnxExport.OPSET,
                Files.size(out)));
    return 0;
  }
}
