package io.vigil.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.engine.layer.Conv2dSpec;
import io.vigil.engine.layer.LinearSpec;
import io.vigil.engine.layer.ReluSpec;
import io.vigil.engine.model.Model;
import io.vigil.engine.network.Network;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import onnx.Onnx.AttributeProto;
import onnx.Onnx.GraphProto;
import onnx.Onnx.ModelProto;
import onnx.Onnx.NodeProto;
import onnx.Onnx.TensorProto;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The conversions between vigil's layer conventions and ONNX's operators, read back from the
 * exported graph of {@link ExportFixtures#layers}: each where a wrong choice would still give a
 * valid file.
 */
class OnnxExportMappingTest {

  private static GraphProto graph;
  private static Map<String, NodeProto> nodes;

  @BeforeAll
  static void export() throws Exception {
    graph =
        ModelProto.parseFrom(
                OnnxExport.toBytes(ExportFixtures.model("layers", ExportFixtures.layers(1))))
            .getGraph();
    nodes = graph.getNodeList().stream().collect(Collectors.toMap(NodeProto::getName, n -> n));
  }

  private static AttributeProto attribute(String node, String name) {
    return nodes.get(node).getAttributeList().stream()
        .filter(a -> a.getName().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError(node + " has no attribute " + name));
  }

  private static boolean hasAttribute(String node, String name) {
    return nodes.get(node).getAttributeList().stream().anyMatch(a -> a.getName().equals(name));
  }

  private static TensorProto initializer(String name) {
    return graph.getInitializerList().stream()
        .filter(t -> t.getName().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no initializer " + name));
  }

  @Test
  void lrnAlphaIsMultipliedByTheSize() {
    assertEquals("LRN", nodes.get("lrn").getOpType());
    assertEquals(3e-2f, attribute("lrn", "alpha").getF(), 1e-9f, "ONNX divides alpha by size");
    assertEquals(3, attribute("lrn", "size").getI());
    assertEquals(0.75f, attribute("lrn", "beta").getF());
    assertEquals(1.5f, attribute("lrn", "bias").getF());
  }

  @Test
  void batchNormMomentumIsOneMinusVigils() {
    NodeProto bn = nodes.get("bn");
    assertEquals("BatchNormalization", bn.getOpType());
    assertEquals(
        List.of("grouped", "bn.weight", "bn.bias", "bn.running_mean", "bn.running_var"),
        bn.getInputList());
    assertEquals(0.8f, attribute("bn", "momentum").getF(), 1e-7f);
    assertEquals(1e-3f, attribute("bn", "epsilon").getF());
  }

  @Test
  void dropoutKeepsItsRatioAsAnInput() {
    NodeProto dropout = nodes.get("dropout");
    assertEquals("Dropout", dropout.getOpType());
    assertEquals(2, dropout.getInputCount(), "no training_mode input: identity at inference");
    TensorProto ratio = initializer(dropout.getInput(1));
    assertEquals(0, ratio.getDimsCount(), "a scalar");
    assertEquals(
        0.3f,
        ByteBuffer.wrap(ratio.getRawData().toByteArray())
            .order(ByteOrder.LITTLE_ENDIAN)
            .getFloat());
  }

  @Test
  void averagePoolingCountsPaddingThroughAnExplicitPad() {
    NodeProto avg = nodes.get("avg");
    assertEquals("AveragePool", avg.getOpType());
    assertFalse(hasAttribute("avg", "pads"), "the pool itself is unpadded");
    NodeProto pad = nodes.get("avg_pad");
    assertEquals("Pad", pad.getOpType());
    assertEquals(pad.getOutput(0), avg.getInput(0));
    ByteBuffer pads =
        ByteBuffer.wrap(initializer(pad.getInput(1)).getRawData().toByteArray())
            .order(ByteOrder.LITTLE_ENDIAN);
    long[] values = new long[8];
    pads.asLongBuffer().get(values);
    assertEquals(List.of(0L, 0L, 1L, 1L, 0L, 0L, 1L, 1L), toList(values));
  }

  @Test
  void ceilRoundingIsCeilModeOnlyWhereItKeepsAWindow() {
    assertEquals(0, attribute("drop_last", "ceil_mode").getI(), "vigil drops the last window");
    assertEquals(1, attribute("keep_last", "ceil_mode").getI(), "vigil keeps a partial window");
  }

  @Test
  void convolutionsKeepDilationGroupsAndBias() {
    assertEquals(List.of(2L, 2L), attribute("dilated", "dilations").getIntsList());
    assertEquals(List.of(2L, 2L, 2L, 2L), attribute("dilated", "pads").getIntsList());
    assertEquals(3, nodes.get("dilated").getInputCount());
    assertEquals(2, attribute("grouped", "group").getI());
    assertEquals(2, nodes.get("grouped").getInputCount(), "no bias input");
    assertEquals(List.of(8L, 4L, 3L, 3L), initializer("grouped.weight").getDimsList());
    assertEquals("ConvTranspose", nodes.get("up").getOpType());
    assertEquals(List.of(8L, 4L, 3L, 3L), initializer("up.weight").getDimsList());
    assertEquals(List.of(0L, 0L), attribute("up", "output_padding").getIntsList());
  }

  @Test
  void linearIsGemmWithTransposedWeightsAfterAFlatten() {
    NodeProto fc = nodes.get("fc_a");
    assertEquals("Gemm", fc.getOpType());
    assertEquals(1, attribute("fc_a", "transB").getI());
    assertEquals("Flatten", nodes.get("fc_a_flatten").getOpType(), "gap is an image");
    assertEquals(List.of(6L, 4L), initializer("fc_a.weight").getDimsList());
    assertEquals(List.of(6L), initializer("fc_a.bias").getDimsList());
    assertEquals("fc_a", nodes.get("fc_b").getInput(0), "a flat input is not flattened again");
  }

  @Test
  void additionOfThreeChainsInOrderAndConcatenationAlignsRanks() {
    assertEquals("Add", nodes.get("sum_partial1").getOpType());
    assertEquals(List.of("fc_a", "relu"), nodes.get("sum_partial1").getInputList());
    assertEquals(List.of("sum_partial1", "fc_c"), nodes.get("sum").getInputList());
    NodeProto joined = nodes.get("joined");
    assertEquals(1, attribute("joined", "axis").getI());
    assertEquals("Reshape", nodes.get("joined_in0").getOpType(), "the flat sum becomes an image");
    assertEquals(List.of("joined_in0", "conv_head"), joined.getInputList());
  }

  @Test
  void softmaxOverAnImageIsFlattenedAndReshapedBack() {
    assertEquals("Softmax", nodes.get("image_softmax_softmax").getOpType());
    assertEquals(1, attribute("image_softmax_softmax", "axis").getI());
    assertEquals("Reshape", nodes.get("image_softmax").getOpType());
  }

  @Test
  void endsInLogitsWithoutASoftmax() {
    NodeProto last = graph.getNode(graph.getNodeCount() - 1);
    assertEquals("Gemm", last.getOpType());
    assertEquals("out", last.getName());
    assertEquals(List.of("logits"), last.getOutputList());
    Map<String, Long> ops =
        graph.getNodeList().stream()
            .collect(Collectors.groupingBy(NodeProto::getOpType, Collectors.counting()));
    assertEquals(1L, ops.get("Softmax"), "only the network's own softmax: " + ops);
    Map<String, Long> definitions =
        graph.getNodeList().stream()
            .flatMap(n -> n.getOutputList().stream())
            .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
    assertTrue(definitions.values().stream().allMatch(c -> c == 1), "every value defined once");
  }

  private static List<Long> toList(long[] values) {
    return Arrays.stream(values).boxed().toList();
  }

  @Test
  void namesThatCollideWithWeightsOrTheOutputAreMadeUnique(@TempDir Path dir) throws Exception {
    Network network =
        Network.builder(1, 4, 4)
            .add("logits", Conv2dSpec.of(2, 1, 1, 0))
            .add("fc.weight", new ReluSpec())
            .add("fc", new LinearSpec(3))
            .build();
    Model model = ExportFixtures.model("clash", network);
    GraphProto g = ModelProto.parseFrom(OnnxExport.toBytes(model)).getGraph();
    List<String> defined = new ArrayList<>();
    g.getInitializerList().forEach(t -> defined.add(t.getName()));
    g.getNodeList().forEach(n -> defined.addAll(n.getOutputList()));
    assertEquals(defined.size(), new HashSet<>(defined).size(), "defined once: " + defined);
    assertTrue(defined.contains("logits_1"), "the node called logits: " + defined);
    NodeProto last = g.getNode(g.getNodeCount() - 1);
    assertEquals(List.of("logits"), last.getOutputList());
    assertEquals("Gemm", last.getOpType());
    Path file = dir.resolve("clash.onnx");
    OnnxExport.write(model, file);
    assertTrue(Python.run("check_model.py", 60, file.toString()).contains("ok ir=7"));
  }
}
