package io.vigil.pipeline.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.engine.data.FashionMnist;
import io.vigil.engine.model.InputContract;
import io.vigil.engine.model.Model;
import io.vigil.engine.model.ModelFile;
import io.vigil.engine.model.Predictor;
import io.vigil.pipeline.analyze.TestModels;
import io.vigil.pipeline.registry.ModelRegistry;
import io.vigil.pipeline.registry.RegistryFixtures;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vigil import}, and ONNX files wherever a model file is taken ({@code vigil eval}, {@code
 * vigil model summary}, {@code vigil models import}); {@link ExportCommandTest} has the rest of
 * {@code vigil export}.
 */
class OnnxCommandsTest {

  private static final InputContract IMAGENET =
      InputContract.perChannel(
          3, 8, 8, new float[] {0.485f, 0.456f, 0.406f}, new float[] {0.229f, 0.224f, 0.225f});

  @TempDir Path dir;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    out.getBuffer().setLength(0);
    err.getBuffer().setLength(0);
    return Main.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
  }

  /** The first line on stderr, checked to name {@code what}. */
  private String errNaming(Object what) {
    String line = err.toString().strip().split("\\R")[0];
    assertTrue(line.contains(what.toString()), err.toString());
    return line;
  }

  private Path saved(Model model, String name) throws IOException {
    Path file = dir.resolve(name);
    ModelFile.save(model, file);
    return file;
  }

  private List<String> filesIn(Path folder) throws IOException {
    try (Stream<Path> files = Files.list(folder)) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  private static float[] predict(Model model, float[] input) {
    float[] probabilities = new float[model.classNames().size()];
    try (Predictor p = model.newPredictor(1)) {
      p.predict(input, 1, probabilities);
    }
    return probabilities;
  }

  @Test
  void exportThenImportGivesBackTheModelWithItsContractAndClasses() throws IOException {
    Model rgb = RegistryFixtures.tiny("rgb", IMAGENET, List.of("cat", "dog", "bird"));
    Path vgl = saved(rgb, "rgb.vgl");
    Path onnx = dir.resolve("rgb.onnx");
    assertEquals(0, run("export", vgl.toString(), "--out", onnx.toString()), err.toString());
    assertTrue(
        out.toString().startsWith("exported " + rgb.version() + " to " + onnx), out.toString());
    assertTrue(Files.size(onnx) > 0);

    Path back = dir.resolve("back.vgl");
    assertEquals(0, run("import", onnx.toString(), "--out", back.toString()), err.toString());
    String printed = out.toString();
    Model imported = ModelFile.load(back);
    assertTrue(printed.startsWith("imported " + onnx + " as " + imported.version()), printed);
    assertTrue(
        printed.contains(
            "input: 3×8×8 RGB, pixels scaled to [0, 1], then (p − mean) / std per channel (R, G,"
                + " B): mean 0.485, 0.456, 0.406, std 0.229, 0.224, 0.225"),
        printed);
    assertTrue(printed.contains("classes (3): cat, dog, bird"), printed);
    assertTrue(printed.contains("parameters"), "the layer table:\n" + printed);
    assertEquals(IMAGENET, imported.input());
    assertEquals(rgb.classNames(), imported.classNames());
    float[] input = new float[IMAGENET.size()];
    Random random = new Random(4);
    for (int i = 0; i < input.length; i++) {
      input[i] = (float) random.nextGaussian();
    }
    assertArrayEquals(predict(rgb, input), predict(imported, input), 1e-5f);
    // Written atomically: nothing but the three files is left in the folder.
    assertEquals(List.of("back.vgl", "rgb.onnx", "rgb.vgl"), filesIn(dir));
  }

  @Test
  void importOptionsGoBeforeTheFilesMetadata() throws IOException {
    Path onnx = dir.resolve("rgb.onnx");
    Path vgl = saved(RegistryFixtures.tiny("rgb", IMAGENET, List.of("a", "b", "c")), "rgb.vgl");
    assertEquals(0, run("export", vgl.toString(), "--out", onnx.toString()), err.toString());
    Path classes = dir.resolve("classes.txt");
    Files.writeString(classes, "x\n y \n\nz\n");
    Path out1 = dir.resolve("one.vgl");
    assertEquals(
        0,
        run(
            "import",
            onnx.toString(),
            "--out",
            out1.toString(),
            "--name",
            "renamed",
            "--mean",
            "0.5",
            "--std",
            "0.25",
            "--classes",
            classes.toString()),
        err.toString());
    Model one = ModelFile.load(out1);
    assertEquals(new InputContract(3, 8, 8, 0.5f, 0.25f), one.input());
    assertEquals(List.of("x", "y", "z"), one.classNames());
    assertTrue(one.version().startsWith("renamed-"), one.version());
    Path out2 = dir.resolve("two.vgl");
    assertEquals(
        0,
        run(
            "import",
            onnx.toString(),
            "--out",
            out2.toString(),
            "--mean",
            "0.1,0.2,0.3",
            "--classes",
            "p, q,r"),
        err.toString());
    Model two = ModelFile.load(out2);
    assertEquals(0.2f, two.input().mean(1));
    assertEquals(0.224f, two.input().std(1), "std still from the metadata");
    assertEquals(List.of("p", "q", "r"), two.classNames());
  }

  @Test
  void badArgumentsAreRefusedBeforeAnyWork() throws IOException {
    Path onnx = dir.resolve("m.onnx");
    Files.write(onnx, new byte[] {1, 2, 3});
    Path vgl = dir.resolve("m.vgl");
    assertEquals(
        Main.USAGE, run("import", onnx.toString(), "--out", vgl.toString(), "--mean", "0.1,0.2"));
    errNaming("--mean 0.1,0.2");
    assertEquals(
        Main.USAGE, run("import", onnx.toString(), "--out", vgl.toString(), "--std", "0.2,0,1"));
    errNaming("--std");
    assertEquals(
        Main.USAGE, run("import", onnx.toString(), "--out", vgl.toString(), "--height", "224"));
    errNaming("--height and --width");
    assertEquals(Main.USAGE, run("import", onnx.toString()));
    errNaming("--out");
    assertFalse(Files.exists(vgl));
  }

  @Test
  void unreadableFilesFailWithOneLineNamingThem() throws IOException {
    Path out = dir.resolve("out.vgl");
    Path missing = dir.resolve("missing.onnx");
    assertEquals(Main.FAILED, run("import", missing.toString(), "--out", out.toString()));
    errNaming(missing);
    assertEquals(1, err.toString().strip().split("\\R").length, err.toString());

    Path garbage = dir.resolve("garbage.onnx");
    Files.writeString(garbage, "this is not a protobuf message at all");
    assertEquals(Main.FAILED, run("import", garbage.toString(), "--out", out.toString()));
    errNaming(garbage);
    assertEquals(1, err.toString().strip().split("\\R").length, err.toString());
    assertFalse(Files.exists(out), "nothing written");

    Path onnx = dir.resolve("shipped.onnx");
    assertEquals(0, run("export", TestModels.SHIPPED.toString(), "--out", onnx.toString()));
    assertEquals(0, run("import", onnx.toString(), "--out", out.toString()), err.toString());
    assertEquals(Main.FAILED, run("import", onnx.toString(), "--out", out.toString()));
    errNaming(out + " already exists");
    assertEquals(
        0, run("import", onnx.toString(), "--out", out.toString(), "--force"), err.toString());
  }

  @Test
  void theShippedModelAsOnnxEvaluatesToTheSameAccuracyAndSummary() throws IOException {
    Path onnx = dir.resolve("lenet5-fashion.onnx");
    assertEquals(0, run("export", TestModels.SHIPPED.toString(), "--out", onnx.toString()));
    assertEquals(0, run("eval", TestModels.SHIPPED.toString()), err.toString());
    String fromVgl = out.toString().strip();
    assertEquals(0, run("eval", onnx.toString()), err.toString());
    String fromOnnx = out.toString().strip();
    String accuracy = fromVgl.substring(fromVgl.lastIndexOf('\n') + 1);
    assertTrue(accuracy.startsWith("accuracy "), fromVgl);
    assertTrue(fromOnnx.endsWith("\n" + accuracy), fromOnnx);
    // The same confusion matrix, image for image.
    assertEquals(
        fromVgl.substring(fromVgl.indexOf("confusion matrix")),
        fromOnnx.substring(fromOnnx.indexOf("confusion matrix")));

    assertEquals(0, run("model", "summary", onnx.toString()), err.toString());
    assertTrue(out.toString().contains("61,706 parameters"), out.toString());
    assertTrue(out.toString().contains("then (p − 0.286) / 0.353"), out.toString());
    assertTrue(
        out.toString().contains("classes (10): " + String.join(", ", FashionMnist.CLASS_NAMES)),
        out.toString());
  }

  @Test
  void theRegistryTakesAnOnnxFile() throws IOException {
    Path onnx = dir.resolve("lenet5-fashion.onnx");
    assertEquals(0, run("export", TestModels.SHIPPED.toString(), "--out", onnx.toString()));
    Path registry = dir.resolve("registry");
    assertEquals(
        0,
        run("models", "import", onnx.toString(), "--registry", registry.toString()),
        err.toString());
    Model imported = ModelRegistry.readModelFile(onnx);
    assertTrue(out.toString().contains("imported " + imported.version()), out.toString());
    ModelRegistry models = ModelRegistry.open(registry);
    assertEquals(
        List.of(imported.version()), models.list().stream().map(r -> r.version()).toList());
    assertEquals(
        FashionMnist.CLASS_NAMES,
        models
            .load(imported.version(), io.vigil.engine.backend.cpu.CpuBackend.shared())
            .classNames());
  }
}
