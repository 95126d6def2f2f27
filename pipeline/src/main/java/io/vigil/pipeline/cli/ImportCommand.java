package io.vigil.pipeline.cli;

import io.vigil.engine.backend.cpu.CpuBackend;
import io.vigil.engine.io.AtomicFiles;
import io.vigil.engine.model.Model;
import io.vigil.engine.model.ModelFile;
import io.vigil.onnx.ImportOptions;
import io.vigil.onnx.OnnxImport;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code vigil import MODEL.onnx --out MODEL.vgl}: an ONNX file turned into a vigil model file,
 * with its input contract and class names from the file's metadata or the options.
 */
@Command(
    name = "import",
    mixinStandardHelpOptions = true,
    description = {
      "Imports an ONNX file as a vigil model file and prints its summary.",
      "The input contract and class names come from the options, else from the file's metadata"
          + " (vigil.mean, vigil.std, vigil.classes, or the common mean, std, class_names,"
          + " labels), else the defaults: pixels scaled to [0, 1] with no mean or std"
          + " (torchvision's ToTensor), classes numbered from 0.",
      "Operators vigil cannot compute exactly are refused, naming the node, its operator and"
          + " opset."
    })
final class ImportCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Parameters(paramLabel = "MODEL.onnx", description = "The ONNX file.")
  Path onnxFile;

  @Option(
      names = "--out",
      required = true,
      paramLabel = "FILE",
      description = "The vigil model file to write (.vgl), atomically.")
  Path out;

  @Option(
      names = "--name",
      paramLabel = "NAME",
      description =
          "The model's name (starts its version). Default: the metadata, else the file's.")
  String name;

  @Option(
      names = "--mean",
      paramLabel = "M[,M,M]",
      description =
          "Mean subtracted from pixels in [0, 1], one per channel (R,G,B) or one for all,"
              + " e.g. 0.485,0.456,0.406.")
  String mean;

  @Option(
      names = "--std",
      paramLabel = "S[,S,S]",
      description =
          "Divisor after the mean, one per channel or one for all, e.g. 0.229,0.224,0.225.")
  String std;

  @Option(
      names = "--classes",
      paramLabel = "FILE|A,B,...",
      description =
          "Class names, one per output: a file with one name per line, or a comma-separated list.")
  String classes;

  @Option(
      names = "--height",
      paramLabel = "H",
      description = "Input height, for a file whose input size is symbolic (with --width).")
  Integer height;

  @Option(
      names = "--width",
      paramLabel = "W",
      description = "Input width, for a file whose input size is symbolic (with --height).")
  Integer width;

  @Option(names = "--force", description = "Replace the --out file if it exists.")
  boolean force;

  @Override
  public Integer call() throws Exception {
    PrintWriter printed = spec.commandLine().getOut();
    ImportOptions options = options();
    if (!Files.isRegularFile(onnxFile)) {
      throw new NoSuchFileException(onnxFile.toString(), null, "no such ONNX file");
    }
    AtomicFiles.checkWritable(out);
    if (Files.exists(out) && !force) {
      throw new IOException(
          out + " already exists; import replaces a model file only with --force");
    }
    Model model = OnnxImport.read(onnxFile, options, CpuBackend.shared());
    ModelFile.save(model, out);
    printed.println("imported " + onnxFile + " as " + model.version() + "; wrote " + out);
    ModelSummaries.print(model, printed);
    return 0;
  }

  /** The options as the importer takes them; a malformed value is a bad argument. */
  private ImportOptions options() throws IOException {
    if ((height == null) != (width == null)) {
      throw new BadArgumentException("--height and --width go together: give both or neither");
    }
    if (height != null) {
      OptionRanges.atLeast("--height", height, 1);
      OptionRanges.atLeast("--width", width, 1);
    }
    if (name != null && !name.matches("[A-Za-z0-9._-]+")) {
      throw new BadArgumentException(
          "--name " + name + ": a model name is letters, digits, '.', '_' and '-' only");
    }
    float[] means = floats("--mean", mean, false);
    float[] stds = floats("--std", std, true);
    return new ImportOptions(name, means, stds, classNames(), height, width);
  }

  /** A comma-separated list of 1 or 3 finite numbers ({@code positive}: above 0), or null. */
  private static float[] floats(String option, String text, boolean positive) {
    if (text == null) {
      return null;
    }
    String[] parts = text.split(",", -1);
    if (parts.length != 1 && parts.length != 3) {
      throw new BadArgumentException(
          option
              + " "
              + text
              + ": give one value for every channel or three (R,G,B), not "
              + parts.length);
    }
    float[] values = new float[parts.length];
    for (int i = 0; i < parts.length; i++) {
      try {
        values[i] = Float.parseFloat(parts[i].strip());
      } catch (NumberFormatException e) {
        throw new BadArgumentException(option + " " + text + ": '" + parts[i] + "' is no number");
      }
      if (!Float.isFinite(values[i]) || (positive && !(values[i] > 0))) {
        throw new BadArgumentException(
            option
                + " "
                + text
                + ": "
                + parts[i].strip()
                + (positive ? " is not a positive number" : " is not a finite number"));
      }
    }
    return values;
  }

  /**
   * The {@code --classes} names: a file's lines, or the comma-separated list; null if not given.
   */
  private List<String> classNames() throws IOException {
    if (classes == null) {
      return null;
    }
    Path file = Path.of(classes);
    List<String> names =
        Files.isRegularFile(file)
            ? Files.readAllLines(file).stream()
                .map(String::strip)
                .filter(s -> !s.isEmpty())
                .toList()
            : Arrays.stream(classes.split(",", -1)).map(String::strip).toList();
    if (names.isEmpty() || names.contains("")) {
      throw new BadArgumentException(
          "--classes "
              + classes
              + ": "
              + (Files.isRegularFile(file) ? "the file names no class" : "an empty class name"));
    }
    return names;
  }
}
