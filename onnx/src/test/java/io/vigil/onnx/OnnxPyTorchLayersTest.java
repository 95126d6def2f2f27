package io.vigil.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vigil.engine.layer.BatchNormSpec;
import io.vigil.engine.layer.MaxPool2dSpec;
import io.vigil.engine.layer.Rounding;
import io.vigil.engine.model.Model;
import io.vigil.engine.network.NodeSpec;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The peer's word on the conversions: a small PyTorch network of the layers whose ONNX forms the
 * importer converts (a ceil-mode max pool, which opset 9 writes as padding at the end; batch norm
 * and its momentum; grouped dilated and transposed convolutions; an average pool that counts
 * padding, written as Pad + AveragePool; {@code view(size(0), -1)}, written as Shape, Gather,
 * Unsqueeze, Concat and Reshape; a trailing softmax), exported by PyTorch at opsets 9, 11, 13 and
 * 17, gives PyTorch's outputs in vigil.
 */
class OnnxPyTorchLayersTest {

  @TempDir static Path dir;

  @BeforeAll
  static void export() throws Exception {
    Python.run("import_layers.py", 300, dir.toString(), "9", "11", "13", "17");
  }

  @ParameterizedTest
  @ValueSource(ints = {9, 11, 13, 17})
  void givesPyTorchsOutputs(int opset) throws Exception {
    Model m =
        OnnxImport.read(
            dir.resolve("layers-" + opset + ".onnx"), ImportOptions.defaults(), OnnxGraphs.CPU);
    float[] x = ExportFixtures.readFloats(dir.resolve("layers.in"));
    float[] probs = ExportFixtures.readFloats(dir.resolve("layers.out"));
    OnnxGraphs.assertClose(probs, OnnxImportTest.softmax(OnnxGraphs.run(m, x), 5), 1e-5);
    List<NodeSpec> nodes = m.network().spec().nodes();
    assertEquals(BatchNormSpec.defaults(), nodes.get(1).layer(), "PyTorch's momentum 0.1 kept");
    assertEquals(new MaxPool2dSpec(3, 3, 2, 2, 0, 0, Rounding.CEIL), nodes.get(3).layer());
    assertEquals(11, nodes.size(), "Pad folded into the pool, Softmax dropped: " + nodes);
    assertEquals("layers-" + opset, m.name());
  }
}
