package io.vigil.onnx;

import static io.vigil.onnx.OnnxGraphs.attr;
import static io.vigil.onnx.OnnxGraphs.check;
import static io.vigil.onnx.OnnxGraphs.dims;
import static io.vigil.onnx.OnnxGraphs.ins;
import static io.vigil.onnx.OnnxGraphs.ints;
import static io.vigil.onnx.OnnxGraphs.outs;
import static io.vigil.onnx.OnnxGraphs.random;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.engine.layer.AvgPool2dSpec;
import io.vigil.engine.layer.BatchNormSpec;
import io.vigil.engine.layer.Conv2dSpec;
import io.vigil.engine.layer.ConvTranspose2dSpec;
import io.vigil.engine.layer.DropoutSpec;
import io.vigil.engine.layer.LayerSpec;
import io.vigil.engine.layer.LeakyReluSpec;
import io.vigil.engine.layer.LinearSpec;
import io.vigil.engine.layer.LrnSpec;
import io.vigil.engine.layer.MaxPool2dSpec;
import io.vigil.engine.layer.Rounding;
import io.vigil.engine.layer.SoftmaxSpec;
import io.vigil.engine.model.Model;
import io.vigil.engine.network.NodeSpec;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Each operator and each attribute form on its own: the imported model's output equals {@link
 * OnnxReference}'s (an ONNX interpreter written from the operator specification), and the vigil
 * layer is the expected one.
 */
class OnnxOperatorsTest {

  private final Random r = new Random(11);

  private static List<LayerSpec> layers(Model m) {
    return m.network().spec().nodes().stream().map(NodeSpec::layer).toList();
  }

  /**
   * A graph whose value x is 2×C×H×W: the input itself for C = 1 or 3 (vigil's input contract),
   * else a 1×1 convolution "stem" from a 3-channel input.
   */
  private OnnxGraphs.Graph single(int opset, int c, int h, int w) {
    OnnxGraphs.Graph g = OnnxGraphs.graph(opset);
    if (c == 1 || c == 3) {
      return g.input("x", 2, c, h, w);
    }
    return g.input("in", 2, 3, h, w)
        .init("stem.w", dims(c, 3, 1, 1), random(r, 3 * c, 0.6))
        .node("Conv", "stem", ins("in", "stem.w"), outs("x"));
  }

  /** Layers besides the stem. */
  private static int count(Model m) {
    List<NodeSpec> nodes = m.network().spec().nodes();
    return nodes.size() - (nodes.get(0).name().equals("stem") ? 1 : 0);
  }

  /** The layer the node under test became (after the stem, if any). */
  private static LayerSpec layer(Model m, int i) {
    List<NodeSpec> nodes = m.network().spec().nodes();
    int offset = nodes.get(0).name().equals("stem") ? 1 : 0;
    return nodes.get(i + offset).layer();
  }

  private static OnnxGraphs.Graph flattenTo(OnnxGraphs.Graph g, String from) {
    return g.node("Flatten", "flat", ins(from), outs("out")).output("out");
  }

  @Test
  void convWithGroupsDilationStridesAndPads() throws Exception {
    OnnxGraphs.Graph g =
        single(13, 4, 9, 9)
            .init("w", dims(6, 2, 3, 3), random(r, 108, 0.3))
            .init("b", dims(6), random(r, 6, 0.1))
            .node(
                "Conv",
                "c",
                ins("x", "w", "b"),
                outs("y"),
                attr("group", 2L),
                ints("dilations", 2, 2),
                ints("strides", 2, 2),
                ints("pads", 1, 1, 1, 1),
                ints("kernel_shape", 3, 3));
    Model m = check(flattenTo(g, "y"), 1);
    assertEquals(new Conv2dSpec(6, 3, 3, 2, 2, 1, 1, 2, 2, 2, true, Rounding.EXACT), layer(m, 0));
  }

  @Test
  void depthwiseConvWithoutBiasAndRectangularKernel() throws Exception {
    OnnxGraphs.Graph g =
        single(11, 3, 7, 8)
            .init("w", dims(3, 1, 3, 1), random(r, 9, 0.5))
            .node(
                "Conv",
                "dw",
                ins("x", "w"),
                outs("y"),
                attr("group", 3L),
                ints("pads", 1, 0, 1, 0));
    Model m = check(flattenTo(g, "y"), 2);
    Conv2dSpec conv = (Conv2dSpec) layer(m, 0);
    assertEquals(3, conv.groups());
    assertFalse(conv.bias());
    assertEquals(1, conv.padH());
    assertEquals(0, conv.padW());
  }

  @ParameterizedTest
  @ValueSource(strings = {"SAME_UPPER", "SAME_LOWER", "VALID"})
  void convAutoPad(String autoPad) throws Exception {
    OnnxGraphs.Graph g =
        single(9, 1, 8, 8)
            .init("w", dims(2, 1, 3, 3), random(r, 18, 0.5))
            .node("Conv", "c", ins("x", "w"), outs("y"), attr("auto_pad", autoPad));
    Model m = check(flattenTo(g, "y"), 3);
    assertEquals(autoPad.equals("VALID") ? 0 : 1, ((Conv2dSpec) layer(m, 0)).padH());
  }

  @Test
  void convThatDoesNotTileFloorsAsOnnxDoes() throws Exception {
    OnnxGraphs.Graph g =
        single(13, 1, 8, 8)
            .init("w", dims(2, 1, 3, 3), random(r, 18, 0.5))
            .node("Conv", "c", ins("x", "w"), outs("y"), ints("strides", 2, 2));
    Model m = check(flattenTo(g, "y"), 4);
    assertEquals(Rounding.FLOOR, ((Conv2dSpec) layer(m, 0)).rounding());
  }

  @Test
  void convTransposeWithStridePadsOutputPaddingAndDilation() throws Exception {
    OnnxGraphs.Graph g =
        single(13, 3, 5, 4)
            .init("w", dims(3, 2, 3, 3), random(r, 54, 0.4))
            .init("b", dims(2), random(r, 2, 0.1))
            .node(
                "ConvTranspose",
                "up",
                ins("x", "w", "b"),
                outs("y"),
                ints("strides", 2, 2),
                ints("pads", 1, 1, 1, 1),
                ints("output_padding", 1, 0),
                ints("dilations", 1, 2));
    Model m = check(flattenTo(g, "y"), 5);
    assertEquals(new ConvTranspose2dSpec(2, 3, 3, 2, 2, 1, 1, 1, 0, 1, 2, true), layer(m, 0));
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1})
  void maxPoolCeilModeAndPads(int ceil) throws Exception {
    OnnxGraphs.Graph g =
        single(10, 2, 9, 10)
            .node(
                "MaxPool",
                "p",
                ins("x"),
                outs("y"),
                ints("kernel_shape", 3, 3),
                ints("strides", 2, 2),
                ints("pads", 1, 0, 1, 0),
                attr("ceil_mode", (long) ceil));
    Model m = check(flattenTo(g, "y"), 6);
    MaxPool2dSpec pool = (MaxPool2dSpec) layer(m, 0);
    assertEquals(ceil == 1 ? Rounding.CEIL : Rounding.FLOOR, pool.rounding());
  }

  @Test
  void maxPoolWithPaddingAtTheEndOnlyAsOpsetNineWritesCeilMode() throws Exception {
    // PyTorch's MaxPool2d(3, 2, ceil_mode=True) at opset 9: pads [0, 0, 2, 2] instead.
    OnnxGraphs.Graph g =
        single(9, 2, 12, 12)
            .node(
                "MaxPool",
                "p",
                ins("x"),
                outs("y"),
                ints("kernel_shape", 3, 3),
                ints("strides", 2, 2),
                ints("pads", 0, 0, 2, 2));
    Model m = check(flattenTo(g, "y"), 7);
    assertEquals(new MaxPool2dSpec(3, 3, 2, 2, 0, 0, Rounding.CEIL), layer(m, 0));
  }

  @Test
  void maxPoolSameUpperWithAnOddTotal() throws Exception {
    OnnxGraphs.Graph g =
        single(11, 1, 8, 8)
            .node(
                "MaxPool",
                "p",
                ins("x"),
                outs("y"),
                ints("kernel_shape", 2, 2),
                ints("strides", 2, 2),
                attr("auto_pad", "SAME_UPPER"));
    check(flattenTo(g, "y"), 8);
  }

  @Test
  void averagePoolCountingPaddingAndCeilModeThatTiles() throws Exception {
    OnnxGraphs.Graph g =
        single(13, 2, 7, 7)
            .node(
                "AveragePool",
                "p",
                ins("x"),
                outs("y"),
                ints("kernel_shape", 3, 3),
                ints("strides", 2, 2),
                ints("pads", 1, 1, 1, 1),
                attr("count_include_pad", 1L),
                attr("ceil_mode", 1L));
    Model m = check(flattenTo(g, "y"), 9);
    assertEquals(new AvgPool2dSpec(3, 3, 2, 2, 1, 1), layer(m, 0));
  }

  @Test
  void averagePoolWithoutPaddingIgnoresCountIncludePad() throws Exception {
    OnnxGraphs.Graph g =
        single(9, 1, 6, 6)
            .node(
                "AveragePool",
                "p",
                ins("x"),
                outs("y"),
                ints("kernel_shape", 2, 2),
                ints("strides", 2, 2));
    check(flattenTo(g, "y"), 10);
  }

  @Test
  void globalAveragePool() throws Exception {
    OnnxGraphs.Graph g = single(13, 3, 5, 6).node("GlobalAveragePool", "gap", ins("x"), outs("y"));
    check(flattenTo(g, "y"), 11);
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1})
  void gemmWithTransBAlphaBetaAndBroadcastC(int transB) throws Exception {
    long[] bDims = transB == 1 ? dims(4, 12) : dims(12, 4);
    OnnxGraphs.Graph g =
        single(13, 3, 2, 2)
            .init("b", bDims, random(r, 48, 0.3))
            .init("c", dims(1, 4), random(r, 4, 0.3))
            .init("c2", dims(1), new float[] {0.25f})
            .init("b2", dims(4, 3), random(r, 12, 0.3))
            .node("Flatten", "f", ins("x"), outs("f"))
            .node(
                "Gemm",
                "g1",
                ins("f", "b", "c"),
                outs("y"),
                attr("transB", (long) transB),
                attr("alpha", 0.5f),
                attr("beta", 3f))
            .node("Gemm", "g2", ins("y", "b2", "c2"), outs("z"))
            .node("Gemm", "g3", ins("z", "b2"), outs("out"), attr("transB", 1L))
            .output("out");
    // g3 reads z (N×3) with B2 transposed (4×3 as outputs × inputs): 3 → 4.
    Model m = check(g, 12);
    assertEquals(new LinearSpec(4), layer(m, 1));
  }

  @Test
  void matMulWithBiasAddIsOneLinear() throws Exception {
    OnnxGraphs.Graph g =
        single(13, 1, 2, 3)
            .init("w", dims(6, 5), random(r, 30, 0.3))
            .init("bias", dims(5), random(r, 5, 0.3))
            .node("Flatten", "f", ins("x"), outs("f"))
            .node("MatMul", "mm", ins("f", "w"), outs("y"))
            .node("Add", "bias_add", ins("bias", "y"), outs("out"))
            .output("out");
    Model m = check(g, 13);
    assertEquals(2, count(m), "the bias is folded: " + layers(m));
    assertEquals(new LinearSpec(5), layer(m, 1));
  }

  @Test
  void convBiasAddedSeparatelyIsFoldedIntoTheConv() throws Exception {
    OnnxGraphs.Graph g =
        single(13, 2, 5, 5)
            .init("w", dims(3, 2, 3, 3), random(r, 54, 0.3))
            .init("bias", dims(1, 3, 1, 1), random(r, 3, 0.3))
            .node("Conv", "c", ins("x", "w"), outs("y"))
            .node("Add", "a", ins("y", "bias"), outs("z"));
    Model m = check(flattenTo(g, "z"), 14);
    assertTrue(((Conv2dSpec) layer(m, 0)).bias());
    assertEquals(2, count(m));
  }

  @Test
  void addOfTwoActivationsAndConcatOfThree() throws Exception {
    OnnxGraphs.Graph g =
        single(13, 2, 4, 4)
            .init("w", dims(2, 2, 1, 1), random(r, 4, 0.5))
            .node("Conv", "c", ins("x", "w"), outs("a"))
            .node("Add", "sum", ins("a", "x"), outs("s"))
            .node("Sigmoid", "sig", ins("s"), outs("t"))
            .node("Concat", "cat", ins("s", "x", "t"), outs("y"), attr("axis", -3L));
    Model m = check(flattenTo(g, "y"), 15);
    assertEquals(5, count(m));
  }

  @Test
  void concatOfFeatureVectors() throws Exception {
    OnnxGraphs.Graph g =
        single(13, 2, 2, 2)
            .node("Flatten", "f", ins("x"), outs("f"))
            .node("Tanh", "t", ins("f"), outs("t"))
            .node("Concat", "cat", ins("f", "t"), outs("out"), attr("axis", 1L))
            .output("out");
    check(g, 16);
  }

  @ParameterizedTest
  @ValueSource(strings = {"0,-1", "-1,12", "2,-1"})
  void reshapeToFeatures(String shape) throws Exception {
    long[] s = java.util.Arrays.stream(shape.split(",")).mapToLong(Long::parseLong).toArray();
    OnnxGraphs.Graph g =
        single(13, 3, 2, 2)
            .initInts("shape", s)
            .init("w", dims(5, 12), random(r, 60, 0.3))
            .node("Reshape", "rs", ins("x", "shape"), outs("f"))
            .node("Gemm", "fc", ins("f", "w"), outs("out"), attr("transB", 1L))
            .output("out");
    check(g, 17);
  }

  @Test
  void reshapeOfFeaturesToFeaturesByOneByOne() throws Exception {
    OnnxGraphs.Graph g =
        single(13, 3, 2, 2)
            .initInts("shape", 0, -1)
            .initInts("image", -1, 12, 1, 1)
            .init("w", dims(4, 12, 1, 1), random(r, 48, 0.3))
            .node("Reshape", "rs", ins("x", "shape"), outs("f"))
            .node("Reshape", "img", ins("f", "image"), outs("i"))
            .node("Conv", "head", ins("i", "w"), outs("y"));
    check(flattenTo(g, "y"), 28);
  }

  @Test
  void reshapeShapeFromAConstantNode() throws Exception {
    OnnxGraphs.Graph g =
        single(13, 1, 3, 3)
            .node(
                "Constant", "shape", ins(), outs("s"), attr("value", OnnxGraphs.int64s("v", 0, -1)))
            .node("Reshape", "rs", ins("x", "s"), outs("out"))
            .output("out");
    check(g, 18);
  }

  @Test
  void batchNormOnImagesAndOnFeatures() throws Exception {
    OnnxGraphs.Graph g =
        single(9, 2, 3, 3)
            .init("s", dims(2), new float[] {1.5f, -0.5f})
            .init("b", dims(2), new float[] {0.1f, 0.2f})
            .init("m", dims(2), new float[] {0.3f, -0.3f})
            .init("v", dims(2), new float[] {0.7f, 2f})
            .init("s18", dims(18), random(r, 18, 1))
            .init("b18", dims(18), random(r, 18, 1))
            .init("m18", dims(18), random(r, 18, 1))
            .init("v18", dims(18), new float[18])
            .node("BatchNormalization", "bn", ins("x", "s", "b", "m", "v"), outs("y"))
            .node("Flatten", "f", ins("y"), outs("f"))
            .node(
                "BatchNormalization",
                "bn1d",
                ins("f", "s18", "b18", "m18", "v18"),
                outs("out"),
                attr("epsilon", 0.5f),
                attr("momentum", 0.8f))
            .output("out");
    Model m = check(g, 19);
    assertEquals(BatchNormSpec.defaults(), layer(m, 0), "ONNX momentum 0.9 is vigil's 0.1");
    BatchNormSpec second = (BatchNormSpec) layer(m, 2);
    assertEquals(0.2f, second.momentum(), 1e-6f);
    assertEquals(0.5f, second.eps());
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 3, 5})
  void lrnScalesAlphaBySize(int size) throws Exception {
    OnnxGraphs.Graph g =
        single(13, 6, 3, 3)
            .node(
                "LRN",
                "lrn",
                ins("x"),
                outs("y"),
                attr("size", (long) size),
                attr("alpha", 0.3f),
                attr("beta", 0.6f),
                attr("bias", 1.5f));
    Model m = check(flattenTo(g, "y"), 20);
    LrnSpec lrn = (LrnSpec) layer(m, 0);
    // α/n, divided in decimal: within one unit of the float quotient.
    assertEquals(0.3f / size, lrn.alpha(), Math.ulp(0.3f / size));
    assertEquals(new LrnSpec(size, lrn.alpha(), 0.6f, 1.5f), lrn);
  }

  @Test
  void activationsAndIdentity() throws Exception {
    OnnxGraphs.Graph g =
        single(13, 2, 3, 3)
            .node("LeakyRelu", "lr", ins("x"), outs("a"), attr("alpha", 0.2f))
            .node("Identity", "id", ins("a"), outs("b"))
            .node("Sigmoid", "sg", ins("b"), outs("c"))
            .node("Tanh", "th", ins("x"), outs("d"))
            .node("Relu", "rl", ins("d"), outs("e"))
            .node("Add", "sum", ins("c", "e"), outs("y"));
    Model m = check(flattenTo(g, "y"), 21);
    assertEquals(new LeakyReluSpec(0.2f), layer(m, 0));
    assertEquals(6, count(m), "Identity adds no layer");
  }

  @Test
  void identityOfAnInitializerServesAsAWeight() throws Exception {
    // PyTorch writes Identity nodes for weights shared after folding batch norm.
    OnnxGraphs.Graph g =
        single(13, 1, 3, 3)
            .init("w0", dims(2, 1, 3, 3), random(r, 18, 0.5))
            .node("Identity", "alias", ins("w0"), outs("w"))
            .node("Conv", "c", ins("x", "w"), outs("y"));
    check(flattenTo(g, "y"), 22);
  }

  @ParameterizedTest
  @ValueSource(ints = {9, 11, 13, 17})
  void padFoldedIntoConvAndIntoPoolsAfterRelu(int opset) throws Exception {
    OnnxGraphs.Graph g = single(opset, 2, 6, 6).init("w", dims(2, 2, 3, 3), random(r, 36, 0.4));
    if (opset < 11) {
      g.node("Pad", "pad", ins("x"), outs("p"), ints("pads", 0, 0, 1, 2, 0, 0, 1, 2));
      g.node(
          "Pad",
          "pad2",
          ins("r"),
          outs("q"),
          ints("pads", 0, 0, 1, 1, 0, 0, 1, 1),
          attr("mode", "constant"),
          attr("value", 0f));
    } else {
      g.initInts("pads", 0, 0, 1, 2, 0, 0, 1, 2);
      g.initInts("pads2", 0, 0, 1, 1, 0, 0, 1, 1);
      g.node("Pad", "pad", ins("x", "pads"), outs("p"));
      g.node("Pad", "pad2", ins("r", "pads2"), outs("q"), attr("mode", "constant"));
    }
    g.node("Conv", "c", ins("p", "w"), outs("y"), ints("pads", 1, 0, 1, 0))
        .node("Relu", "rl", ins("y"), outs("r"))
        .node(
            "MaxPool", "mp", ins("q"), outs("m"), ints("kernel_shape", 3, 3), ints("strides", 2, 2))
        .node(
            "AveragePool",
            "ap",
            ins("q"),
            outs("a"),
            ints("kernel_shape", 2, 2),
            ints("strides", 2, 2))
        .node("Flatten", "f1", ins("m"), outs("f1"))
        .node("Flatten", "f2", ins("a"), outs("f2"))
        .node("Concat", "cat", ins("f1", "f2"), outs("out"), attr("axis", 1L))
        .output("out");
    Model m = check(g, 23);
    Conv2dSpec conv = (Conv2dSpec) layer(m, 0);
    assertEquals(2, conv.padH());
    assertEquals(2, conv.padW());
    assertEquals(1, ((MaxPool2dSpec) layer(m, 2)).padH());
    assertEquals(1, ((AvgPool2dSpec) layer(m, 3)).padH());
  }

  @ParameterizedTest
  @ValueSource(ints = {9, 11, 12, 13, 17})
  void dropoutRatioFromTheAttributeOrTheInput(int opset) throws Exception {
    OnnxGraphs.Graph g = single(opset, 1, 2, 2);
    if (opset < 12) {
      g.node("Dropout", "d", ins("x"), outs("y", "mask"), attr("ratio", 0.3f));
    } else {
      g.init("ratio", dims(), new float[] {0.3f});
      g.init(
          onnx.Onnx.TensorProto.newBuilder()
              .setName("training")
              .setDataType(onnx.Onnx.TensorProto.DataType.BOOL_VALUE)
              .addInt32Data(0)
              .build());
      g.node("Dropout", "d", ins("x", "ratio", "training"), outs("y", "mask"));
    }
    Model m = check(flattenTo(g, "y"), 24);
    assertEquals(new DropoutSpec(0.3f), layer(m, 0));
  }

  @ParameterizedTest
  @ValueSource(ints = {9, 11, 13, 17})
  void trailingSoftmaxWithTheOpsetsDefaultAxisIsDropped(int opset) throws Exception {
    OnnxGraphs.Graph g =
        single(opset, 1, 2, 2)
            .init("w", dims(4, 3), random(r, 12, 0.5))
            .node("Flatten", "f", ins("x"), outs("f"))
            .node("Gemm", "fc", ins("f", "w"), outs("y"))
            .node("Softmax", "sm", ins("y"), outs("out"))
            .output("out");
    Model m = g.load();
    assertEquals(2, count(m), "softmax dropped");
    float[] x = random(new Random(25), 8, 1);
    float[] probs = OnnxReference.run(g.model(), dims(2, 1, 2, 2), x);
    OnnxGraphs.assertClose(probs, OnnxImportTest.softmax(OnnxGraphs.run(m, x), 3), 1e-5);
  }

  @Test
  void softmaxInsideTheGraphIsVigilsSoftmaxLayer() throws Exception {
    OnnxGraphs.Graph g =
        single(13, 1, 2, 2)
            .init("w", dims(4, 3), random(r, 12, 0.5))
            .node("Flatten", "f", ins("x"), outs("f"))
            .node("Softmax", "sm", ins("f"), outs("p"), attr("axis", 1L))
            .node("Gemm", "fc", ins("p", "w"), outs("out"))
            .output("out");
    Model m = check(g, 26);
    assertEquals(new SoftmaxSpec(), layer(m, 1));
  }

  @Test
  void flattenSoftmaxReshapeIsOneSoftmaxOverTheImage() throws Exception {
    // How vigil's export writes a softmax over a whole C×H×W image.
    OnnxGraphs.Graph g =
        single(13, 3, 2, 2)
            .initInts("shape", -1, 3, 2, 2)
            .node("Flatten", "f", ins("x"), outs("f"))
            .node("Softmax", "sm", ins("f"), outs("p"), attr("axis", 1L))
            .node("Reshape", "back", ins("p", "shape"), outs("img"))
            .node("MaxPool", "mp", ins("img"), outs("m"), ints("kernel_shape", 2, 2));
    Model m = check(flattenTo(g, "m"), 27);
    assertEquals(new SoftmaxSpec(), layer(m, 0));
    assertEquals(3, count(m), "flatten removed: " + layers(m));
  }

  @Test
  void constantNodeAsAWeight() throws Exception {
    OnnxGraphs.Graph g =
        single(13, 1, 2, 2)
            .node(
                "Constant",
                "k",
                ins(),
                outs("w"),
                attr("value", OnnxGraphs.floats("w", dims(3, 4), random(r, 12, 0.5))))
            .node("Flatten", "f", ins("x"), outs("f"))
            .node("Gemm", "fc", ins("f", "w"), outs("out"), attr("transB", 1L))
            .output("out");
    check(g, 26);
  }

  @Test
  void nodesInAnyOrderAreSorted() throws Exception {
    OnnxGraphs.Graph g =
        single(13, 1, 4, 4)
            .init("w", dims(2, 1, 3, 3), random(r, 18, 0.5))
            .node("Flatten", "f", ins("r"), outs("out"))
            .node("Relu", "rl", ins("y"), outs("r"))
            .node("Conv", "c", ins("x", "w"), outs("y"))
            .output("out");
    Model m = check(g, 27);
    assertEquals(
        List.of("c", "rl", "f"), m.network().spec().nodes().stream().map(NodeSpec::name).toList());
  }
}
