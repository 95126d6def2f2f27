package io.vigil.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.engine.model.Model;
import io.vigil.engine.zoo.ModelZoo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every zoo network exports to a file that ONNX's own checker (with shape inference) accepts; the
 * one whose layers ONNX cannot express, LeNet-5 of 1998, is refused with a message naming the
 * layer.
 */
class OnnxExportZooTest {

  private static final String CLASSIC = "lenet5-classic";

  @TempDir Path dir;

  static Stream<String> exportable() {
    return ModelZoo.entries().stream().map(ModelZoo.Entry::name).filter(n -> !n.equals(CLASSIC));
  }

  @ParameterizedTest
  @MethodSource("exportable")
  void passesTheOnnxChecker(String name) throws Exception {
    Model model = ExportFixtures.zoo(name, 7, 11);
    Path file = dir.resolve(name + ".onnx");
    OnnxExport.write(model, file);
    String out = Python.run("check_model.py", 600, file.toString());
    assertTrue(out.contains("ok ir=7 opset=ai.onnx:13"), name + ": " + out);
  }

  @Test
  void coversTheWholeZoo() {
    assertEquals(ModelZoo.entries().size() - 1, exportable().count());
    assertTrue(ModelZoo.contains(CLASSIC), "the classic LeNet-5 is still in the zoo");
  }

  @Test
  void refusesTheClassicLeNetNamingTheLayer() {
    Model model = ExportFixtures.zoo(CLASSIC, 10, 11);
    Path file = dir.resolve("classic.onnx");
    OnnxFormatException e =
        assertThrows(OnnxFormatException.class, () -> OnnxExport.write(model, file));
    assertTrue(
        e.getMessage().contains("layer S2 (subsampling) has no ONNX equivalent"), e.getMessage());
    assertTrue(Files.notExists(file), "nothing written");
  }

  @Test
  void passesTheCheckerWithEveryOtherLayerKind() throws Exception {
    for (Model model :
        new Model[] {
          ExportFixtures.model("layers", ExportFixtures.layers(3)),
          ExportFixtures.model("l2pool", ExportFixtures.l2Pool(3))
        }) {
      Path file = dir.resolve(model.name() + ".onnx");
      OnnxExport.write(model, file);
      String out = Python.run("check_model.py", 120, file.toString());
      assertTrue(out.contains("ok ir=7"), model.name() + ": " + out);
    }
  }
}
