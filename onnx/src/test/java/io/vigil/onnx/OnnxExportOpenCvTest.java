package io.vigil.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.engine.model.Model;
import io.vigil.engine.tensor.Shape;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The round trip vigil → ONNX → OpenCV's DNN module: OpenCV runs the exported file on a batch of
 * two random images and its outputs equal vigil's logits within {@code 1e−4·max(1, max|vigil|)}.
 */
class OnnxExportOpenCvTest {

  private static final int BATCH = 2;

  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"lenet5", "alexnet", "resnet18", "googlenet", "vgg11"})
  void openCvGivesVigilsLogits(String name) throws Exception {
    assertSameOutputs(ExportFixtures.zoo(name, 10, 21));
  }

  @Test
  void openCvGivesVigilsOutputsForTheOtherLayerKinds() throws Exception {
    assertSameOutputs(ExportFixtures.model("layers", ExportFixtures.layers(5)));
  }

  private void assertSameOutputs(Model model) throws Exception {
    Path onnx = dir.resolve(model.name() + ".onnx");
    Path input = dir.resolve(model.name() + ".in.bin");
    Path output = dir.resolve(model.name() + ".out.bin");
    OnnxExport.write(model, onnx);
    float[] x = ExportFixtures.normalInput(model, BATCH, 42);
    ExportFixtures.writeFloats(input, x);
    Shape in = model.network().inputShape();
    String log =
        Python.run(
            "run_opencv.py",
            300,
            onnx.toString(),
            input.toString(),
            output.toString(),
            String.valueOf(BATCH),
            String.valueOf(in.c()),
            String.valueOf(in.h()),
            String.valueOf(in.w()));
    int classes = model.classNames().size();
    assertTrue(log.contains("shape " + BATCH + "x" + classes), model.name() + ": " + log);
    float[] expected = ExportFixtures.logits(model, x, BATCH);
    float[] actual = ExportFixtures.readFloats(output);
    assertEquals(expected.length, actual.length, model.name() + ": output size");
    double largest = 0;
    double worst = 0;
    for (int i = 0; i < expected.length; i++) {
      largest = Math.max(largest, Math.abs(expected[i]));
      worst = Math.max(worst, Math.abs(expected[i] - (double) actual[i]));
    }
    double bound = 1e-4 * Math.max(1, largest);
    System.out.printf(
        "%s: max |OpenCV − vigil| = %.3g, max |vigil| = %.3g%n", model.name(), worst, largest);
    assertTrue(
        worst <= bound,
        model.name()
            + ": max |OpenCV − vigil| = "
            + worst
            + " > "
            + bound
            + " (max |vigil| = "
            + largest
            + ")");
    assertTrue(
        largest > 0, model.name() + ": vigil's logits are all zero, the check proves little");
  }
}
