package io.vigil.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vigil.engine.layer.Conv2dSpec;
import io.vigil.engine.layer.LayerSpec;
import io.vigil.engine.layer.MaxPool2dSpec;
import io.vigil.engine.layer.Rounding;
import io.vigil.engine.model.Model;
import io.vigil.engine.network.NetworkSpec;
import io.vigil.engine.tensor.Shape;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * vigil → ONNX → vigil: a model exported by {@link OnnxExport} and imported again has the same
 * contract, classes and name, gives the same logits and, for the zoo's networks, has the same
 * layers.
 */
class OnnxRoundTripTest {

  private static void roundTrip(Model original, int batch, boolean sameLayers) throws Exception {
    byte[] onnx = OnnxExport.toBytes(original);
    Model back = OnnxImport.read(onnx, "exported.onnx", ImportOptions.defaults(), OnnxGraphs.CPU);
    assertEquals(original.name(), back.name());
    assertEquals(original.input(), back.input());
    assertEquals(original.classNames(), back.classNames());
    if (sameLayers) {
      assertEquals(layers(original), layers(back));
    }
    float[] x = ExportFixtures.normalInput(original, batch, 3);
    float[] expected = ExportFixtures.logits(original, x, batch);
    OnnxGraphs.assertClose(expected, ExportFixtures.logits(back, x, batch), 1e-5);
  }

  /**
   * The layers, with the rounding of windows that tile their input written as EXACT: ONNX has no
   * word for a FLOOR that never drops anything, and the import writes EXACT then.
   */
  private static List<LayerSpec> layers(Model m) {
    NetworkSpec spec = m.network().spec();
    Map<String, Shape> shapes = spec.shapes();
    return spec.nodes().stream()
        .map(
            node -> {
              Shape in = shapes.get(node.inputs().get(0));
              LayerSpec layer = node.layer();
              try {
                if (layer instanceof Conv2dSpec c) {
                  Conv2dSpec exact = c.withRounding(Rounding.EXACT);
                  exact.outputShape(node.name(), in);
                  return exact;
                }
                if (layer instanceof MaxPool2dSpec p) {
                  MaxPool2dSpec exact = p.withRounding(Rounding.EXACT);
                  exact.outputShape(node.name(), in);
                  return exact;
                }
              } catch (IllegalArgumentException doesNotTile) {
                return layer;
              }
              return layer;
            })
        .toList();
  }

  @ParameterizedTest
  @ValueSource(strings = {"lenet5", "vgg-small", "alexnet", "googlenet", "resnet18"})
  void zooModels(String name) throws Exception {
    roundTrip(ExportFixtures.zoo(name, 10, 5), 2, true);
  }

  /**
   * The same logits, but not the same layers: ONNX writes out what vigil's layers do implicitly (a
   * Linear's flatten becomes a Flatten node, a three-way addition two Adds, a ceil-rounded pool
   * that drops its last window a floor-rounded one), and those come back as written.
   */
  @ParameterizedTest
  @ValueSource(longs = {1, 2})
  void aNetworkOfTheOtherLayerKinds(long seed) throws Exception {
    roundTrip(ExportFixtures.model("layers", ExportFixtures.layers(seed)), 3, false);
  }
}
