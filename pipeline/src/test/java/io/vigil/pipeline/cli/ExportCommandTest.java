package io.vigil.pipeline.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.engine.model.InputContract;
import io.vigil.engine.model.Model;
import io.vigil.engine.model.ModelFile;
import io.vigil.onnx.OnnxExport;
import io.vigil.pipeline.analyze.TestModels;
import io.vigil.pipeline.registry.RegistryFixtures;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code vigil export MODEL.vgl --out MODEL.onnx}. */
class ExportCommandTest {

  @TempDir Path dir;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    out.getBuffer().setLength(0);
    err.getBuffer().setLength(0);
    return Main.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
  }

  /** The first line on stderr, checked to name {@code what}. */
  private void errNaming(Object what) {
    String line = err.toString().strip().split("\\R")[0];
    assertTrue(line.contains(what.toString()), err.toString());
  }

  private List<String> filesIn(Path folder) throws IOException {
    try (Stream<Path> files = Files.list(folder)) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void writesTheExportersFileAtomically() throws IOException {
    Model rgb =
        RegistryFixtures.tiny(
            "rgb",
            InputContract.perChannel(
                3,
                8,
                8,
                new float[] {0.485f, 0.456f, 0.406f},
                new float[] {0.229f, 0.224f, 0.225f}),
            List.of("cat", "dog", "bird"));
    Path vgl = dir.resolve("rgb.vgl");
    ModelFile.save(rgb, vgl);
    Path onnx = dir.resolve("rgb.onnx");
    assertEquals(0, run("export", vgl.toString(), "--out", onnx.toString()), err.toString());
    assertTrue(
        out.toString().startsWith("exported " + rgb.version() + " to " + onnx + " (ONNX opset 13"),
        out.toString());
    assertArrayEquals(OnnxExport.toBytes(ModelFile.load(vgl)), Files.readAllBytes(onnx));
    assertEquals(List.of("rgb.onnx", "rgb.vgl"), filesIn(dir), "no temporary file left");
  }

  @Test
  void badArgumentsAndUnreadableFilesAreRefusedNamingThem() throws IOException {
    Path onnx = dir.resolve("shipped.onnx");
    assertEquals(Main.USAGE, run("export", TestModels.SHIPPED.toString()));
    errNaming("--out");
    Path txt = dir.resolve("m.txt");
    assertEquals(Main.USAGE, run("export", TestModels.SHIPPED.toString(), "--out", txt.toString()));
    errNaming(txt);
    Path missing = dir.resolve("missing.vgl");
    assertEquals(Main.FAILED, run("export", missing.toString(), "--out", onnx.toString()));
    errNaming(missing);
    assertEquals(1, err.toString().strip().split("\\R").length, err.toString());
    Path garbage = dir.resolve("garbage.vgl");
    Files.writeString(garbage, "not a model");
    assertEquals(Main.FAILED, run("export", garbage.toString(), "--out", onnx.toString()));
    errNaming(garbage);
    assertFalse(Files.exists(onnx));

    assertEquals(0, run("export", TestModels.SHIPPED.toString(), "--out", onnx.toString()));
    assertEquals(
        Main.FAILED, run("export", TestModels.SHIPPED.toString(), "--out", onnx.toString()));
    errNaming(onnx + " already exists");
    assertEquals(
        0, run("export", TestModels.SHIPPED.toString(), "--out", onnx.toString(), "--force"));
  }
}
