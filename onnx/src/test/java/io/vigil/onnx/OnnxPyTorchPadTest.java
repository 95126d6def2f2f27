package io.vigil.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vigil.engine.layer.Conv2dSpec;
import io.vigil.engine.model.Model;
import io.vigil.engine.network.NodeSpec;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code F.pad(x, (2, 2, 1, 1))} and {@code nn.ZeroPad2d(1)} before convolutions, exported by
 * PyTorch: at opset 9 the pads are an attribute, from opset 11 a computation on constants
 * (ConstantOfShape, Concat, Reshape, Slice, Transpose, Cast) that the import evaluates. Either way
 * the pads fold into the convolutions and the model gives PyTorch's outputs.
 */
class OnnxPyTorchPadTest {

  @TempDir static Path dir;

  @BeforeAll
  static void export() throws Exception {
    Python.run("import_pad.py", 300, dir.toString(), "9", "11", "13", "17");
  }

  @ParameterizedTest
  @ValueSource(ints = {9, 11, 13, 17})
  void givesPyTorchsOutputs(int opset) throws Exception {
    Model m =
        OnnxImport.read(
            dir.resolve("pad-" + opset + ".onnx"), ImportOptions.defaults(), OnnxGraphs.CPU);
    float[] x = ExportFixtures.readFloats(dir.resolve("pad.in"));
    OnnxGraphs.assertClose(
        ExportFixtures.readFloats(dir.resolve("pad.out")), OnnxGraphs.run(m, x), 1e-5);
    List<NodeSpec> nodes = m.network().spec().nodes();
    List<Conv2dSpec> convs =
        nodes.stream()
            .map(NodeSpec::layer)
            .filter(Conv2dSpec.class::isInstance)
            .map(Conv2dSpec.class::cast)
            .toList();
    assertEquals(2, convs.size(), "" + nodes);
    assertEquals(List.of(1, 2), List.of(convs.get(0).padH(), convs.get(0).padW()));
    assertEquals(List.of(1, 1), List.of(convs.get(1).padH(), convs.get(1).padW()));
    assertEquals(4, nodes.size(), "Conv, Relu, Conv, Flatten; no layer for the pads: " + nodes);
  }
}
