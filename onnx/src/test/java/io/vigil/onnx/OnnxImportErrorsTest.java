package io.vigil.onnx;

import static io.vigil.onnx.OnnxGraphs.attr;
import static io.vigil.onnx.OnnxGraphs.dims;
import static io.vigil.onnx.OnnxGraphs.ins;
import static io.vigil.onnx.OnnxGraphs.ints;
import static io.vigil.onnx.OnnxGraphs.outs;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import onnx.Onnx.ModelProto;
import onnx.Onnx.NodeProto;
import onnx.Onnx.OperatorSetIdProto;
import onnx.Onnx.StringStringEntryProto;
import onnx.Onnx.TensorProto;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every file the importer refuses, and what the message says: the file, and where it applies the
 * node, its operator and opset, and the value at fault.
 */
class OnnxImportErrorsTest {

  private static final float[] W18 = new float[18];

  /** Imports {@code bytes} expecting a refusal; returns the message. */
  private static String refused(byte[] bytes) {
    OnnxFormatException e =
        assertThrows(
            OnnxFormatException.class,
            () -> OnnxImport.read(bytes, "bad.onnx", ImportOptions.defaults(), OnnxGraphs.CPU));
    assertTrue(e.getMessage().startsWith("bad.onnx: "), "names the file: " + e.getMessage());
    return e.getMessage();
  }

  private static String refused(OnnxGraphs.Graph g) {
    return refused(g.bytes());
  }

  private static void mentions(String message, String... parts) {
    for (String p : parts) {
      assertTrue(message.contains(p), "'" + p + "' missing from: " + message);
    }
  }

  /** 1×1×4×4 input, x → Conv (2 filters 3×3) → Flatten: a valid start to break. */
  private static OnnxGraphs.Graph base(int opset) {
    return OnnxGraphs.graph(opset).input("x", "N", 1, 4, 4).init("w", dims(2, 1, 3, 3), W18);
  }

  private static OnnxGraphs.Graph valid(int opset) {
    return base(opset)
        .node("Conv", "conv", ins("x", "w"), outs("y"))
        .node("Flatten", "flat", ins("y"), outs("out"))
        .output("out");
  }

  @Test
  void theValidBaseImports() throws Exception {
    valid(13).load();
  }

  @Test
  void filesThatAreNotOnnx() {
    mentions(refused(new byte[0]), "empty");
    mentions(
        refused("hello, this is text\n".getBytes(StandardCharsets.UTF_8)), "not an ONNX model");
    byte[] png = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13};
    mentions(refused(png), "not an ONNX model");
    byte[] model = valid(13).bytes();
    mentions(refused(Arrays.copyOf(model, model.length / 2)), "not an ONNX model");
    // A protobuf of another kind parses, but holds no graph.
    byte[] tensor = OnnxGraphs.floats("t", dims(2), new float[] {1, 2}).toByteArray();
    mentions(refused(tensor), "not an ONNX model");
  }

  @Test
  void aFileThatCannotBeRead(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
    java.nio.file.Path missing = dir.resolve("missing.onnx");
    OnnxFormatException e =
        assertThrows(
            OnnxFormatException.class,
            () -> OnnxImport.read(missing, ImportOptions.defaults(), OnnxGraphs.CPU));
    mentions(e.getMessage(), missing.toString(), "cannot be read");
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 8, 18, 20})
  void opsetsOutsideNineToSeventeen(int opset) {
    mentions(refused(valid(opset)), "opset " + opset, "9 to 17");
  }

  @Test
  void noOpsetOfTheDefaultDomain() {
    ModelProto m =
        valid(13).model().toBuilder()
            .clearOpsetImport()
            .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("ai.onnx.ml").setVersion(3))
            .build();
    mentions(refused(m.toByteArray()), "default ONNX domain");
  }

  @Test
  void nodeOfAnotherDomain() {
    OnnxGraphs.Graph g =
        base(13)
            .node(
                OnnxGraphs.nodeProto("FusedConv", "fused", ins("x", "w"), outs("out")).toBuilder()
                    .setDomain("com.microsoft")
                    .build())
            .output("out");
    mentions(refused(g), "node 'fused' (FusedConv, opset 13)", "com.microsoft");
  }

  @Test
  void cycleNamesTheNodesOnIt() {
    OnnxGraphs.Graph g =
        base(13)
            .node("Conv", "conv", ins("x", "w"), outs("y"))
            .node("Add", "a", ins("y", "c"), outs("b"))
            .node("Relu", "r1", ins("b"), outs("c"))
            .node("Flatten", "flat", ins("b"), outs("out"))
            .output("out");
    mentions(refused(g), "cycle", "node 'a' (Add, opset 13)", "node 'r1' (Relu, opset 13)");
  }

  @Test
  void missingInitializer() {
    OnnxGraphs.Graph g =
        base(11)
            .node("Conv", "conv", ins("x", "w", "conv.bias"), outs("y"))
            .node("Flatten", "flat", ins("y"), outs("out"))
            .output("out");
    mentions(
        refused(g), "missing initializer/input 'conv.bias' read by node 'conv' (Conv, opset 11)");
  }

  @Test
  void valueWrittenTwice() {
    OnnxGraphs.Graph g =
        base(13)
            .node("Conv", "conv", ins("x", "w"), outs("y"))
            .node("Relu", "again", ins("x"), outs("y"))
            .node("Flatten", "flat", ins("y"), outs("out"))
            .output("out");
    mentions(refused(g), "node 'again' (Relu, opset 13)", "writes 'y'");
  }

  @Test
  void initializerSizesMustMatchTheirDims() {
    TensorProto shortRaw =
        OnnxGraphs.rawFloats("w", dims(2, 1, 3, 3), new float[18]).toBuilder()
            .setRawData(ByteString.copyFrom(new byte[70]))
            .build();
    mentions(refused(replaceW(shortRaw)), "initializer 'w'", "raw_data holds 70 bytes", "72");
    TensorProto fewFloats = OnnxGraphs.floats("w", dims(2, 1, 3, 3), new float[17]);
    mentions(refused(replaceW(fewFloats)), "initializer 'w'", "17 values", "18");
    TensorProto negative = OnnxGraphs.floats("w", dims(2, -1, 3, 3), new float[0]);
    mentions(refused(replaceW(negative)), "initializer 'w'", "negative or too large");
    TensorProto huge = OnnxGraphs.floats("w", dims(1L << 20, 1L << 20, 3, 3), new float[0]);
    mentions(refused(replaceW(huge)), "initializer 'w'", "negative or too large");
    TensorProto external =
        OnnxGraphs.floats("w", dims(2, 1, 3, 3), new float[0]).toBuilder()
            .setDataLocation(TensorProto.DataLocation.EXTERNAL)
            .addExternalData(
                StringStringEntryProto.newBuilder().setKey("location").setValue("w.bin"))
            .build();
    mentions(refused(replaceW(external)), "initializer 'w'", "external file");
    TensorProto strings =
        TensorProto.newBuilder()
            .setName("w")
            .setDataType(TensorProto.DataType.STRING_VALUE)
            .addDims(1)
            .addStringData(ByteString.copyFromUtf8("x"))
            .build();
    mentions(refused(replaceW(strings)), "initializer 'w'", "STRING");
  }

  /** The valid graph with its weight replaced. */
  private static byte[] replaceW(TensorProto w) {
    ModelProto m = valid(13).model();
    return m.toBuilder()
        .setGraph(m.getGraph().toBuilder().setInitializer(0, w))
        .build()
        .toByteArray();
  }

  @Test
  void shapesThatDoNotAgree() {
    OnnxGraphs.Graph gemm =
        base(13)
            .init("fc", dims(5, 30), new float[150])
            .node("Conv", "conv", ins("x", "w"), outs("y"))
            .node("Flatten", "flat", ins("y"), outs("f"))
            .node("Gemm", "fc", ins("f", "fc"), outs("out"), attr("transB", 1L))
            .output("out");
    mentions(refused(gemm), "node 'fc' (Gemm, opset 13)", "[5, 30]", "N×8");
    OnnxGraphs.Graph add =
        base(13)
            .node("Conv", "conv", ins("x", "w"), outs("y"))
            .node("Relu", "r", ins("x"), outs("z"))
            .node("Add", "sum", ins("y", "z"), outs("s"))
            .node("Flatten", "flat", ins("s"), outs("out"))
            .output("out");
    mentions(refused(add), "node 'sum' (Add, opset 13)", "N×2×2×2", "N×1×4×4");
    OnnxGraphs.Graph conv =
        base(13)
            .init("w3", dims(2, 3, 3, 3), new float[54])
            .node("Conv", "conv", ins("x", "w3"), outs("y"))
            .node("Flatten", "flat", ins("y"), outs("out"))
            .output("out");
    mentions(refused(conv), "node 'conv' (Conv, opset 13)", "[2, 3, 3, 3]", "N×1×4×4");
  }

  @Test
  void unsupportedOperatorNamesNodeOperatorAndOpset() {
    OnnxGraphs.Graph g =
        base(17)
            .node("Resize", "/up/Resize", ins("x"), outs("y"))
            .node("Flatten", "flat", ins("y"), outs("out"))
            .output("out");
    mentions(refused(g), "node '/up/Resize' (Resize, opset 17)", "not supported");
  }

  @Test
  void unknownAttributeIsRefused() {
    OnnxGraphs.Graph g =
        base(13)
            .node("Conv", "conv", ins("x", "w"), outs("y"), attr("frobnicate", 1L))
            .node("Flatten", "flat", ins("y"), outs("out"))
            .output("out");
    mentions(refused(g), "node 'conv' (Conv, opset 13)", "frobnicate");
  }

  @Test
  void inputsVigilCannotTake() {
    mentions(
        refused(
            OnnxGraphs.graph(13)
                .input("x", 1, 2, 4, 4)
                .node("Flatten", "f", ins("x"), outs("out"))
                .output("out")),
        "input 'x'",
        "2 channels");
    mentions(
        refused(
            OnnxGraphs.graph(13)
                .input("x", 1, 1, "H", "W")
                .node("Flatten", "f", ins("x"), outs("out"))
                .output("out")),
        "height is symbolic ('H')");
    mentions(
        refused(
            OnnxGraphs.graph(13)
                .input("x", 1, 1, 4)
                .node("Flatten", "f", ins("x"), outs("out"))
                .output("out")),
        "3 dimensions");
    mentions(
        refused(
            OnnxGraphs.graph(13)
                .rawInput(OnnxGraphs.valueInfo("x", TensorProto.DataType.UINT8_VALUE, 1, 1, 4, 4))
                .node("Flatten", "f", ins("x"), outs("out"))
                .output("out")),
        "UINT8",
        "float32");
    mentions(
        refused(
            OnnxGraphs.graph(13)
                .input("x", 1, 1, 4, 4)
                .input("y", 1, 1, 4, 4)
                .node("Add", "f", ins("x", "y"), outs("out"))
                .output("out")),
        "2 inputs");
  }

  @Test
  void symbolicSizesComeFromTheOptions() throws Exception {
    OnnxGraphs.Graph g =
        OnnxGraphs.graph(13)
            .input("x", "N", 1, "H", "W")
            .node("Flatten", "f", ins("x"), outs("out"))
            .output("out");
    var model =
        OnnxImport.read(
            g.bytes(), "s.onnx", new ImportOptions(null, null, null, null, 5, 6), OnnxGraphs.CPU);
    assertTrue(model.input().height() == 5 && model.input().width() == 6);
  }

  @Test
  void convPaddingVigilCannotRepresent() {
    OnnxGraphs.Graph uneven =
        base(13)
            .node("Conv", "conv", ins("x", "w"), outs("y"), ints("pads", 0, 0, 1, 1))
            .node("Flatten", "flat", ins("y"), outs("out"))
            .output("out");
    mentions(refused(uneven), "node 'conv' (Conv, opset 13)", "pads [0, 0, 1, 1]");
    OnnxGraphs.Graph same =
        base(13)
            .init("w2", dims(2, 1, 2, 2), new float[8])
            .node("Conv", "conv", ins("x", "w2"), outs("y"), attr("auto_pad", "SAME_UPPER"))
            .node("Flatten", "flat", ins("y"), outs("out"))
            .output("out");
    mentions(refused(same), "node 'conv' (Conv, opset 13)", "differ between the two sides");
  }

  @Test
  void convTransposeWithGroups() {
    OnnxGraphs.Graph g =
        OnnxGraphs.graph(13)
            .input("x", 1, 3, 4, 4)
            .init("w", dims(3, 1, 3, 3), new float[27])
            .node("ConvTranspose", "up", ins("x", "w"), outs("y"), attr("group", 3L))
            .node("Flatten", "flat", ins("y"), outs("out"))
            .output("out");
    mentions(refused(g), "node 'up' (ConvTranspose, opset 13)", "group=3");
  }

  @Test
  void maxPoolFormsVigilCannotRun() {
    mentions(refused(pool(attr("storage_order", 1L))), "(MaxPool, opset 13)", "storage_order=1");
    mentions(refused(pool(ints("dilations", 2, 2))), "(MaxPool, opset 13)", "dilations");
    OnnxGraphs.Graph indices =
        base(13)
            .node("MaxPool", "pool", ins("x"), outs("p", "idx"), ints("kernel_shape", 2, 2))
            .node("Flatten", "flat", ins("idx"), outs("out"))
            .output("out");
    mentions(refused(indices), "node 'pool' (MaxPool, opset 13)", "output 1 ('idx') is read");
  }

  private static OnnxGraphs.Graph pool(onnx.Onnx.AttributeProto extra) {
    return base(13)
        .node("MaxPool", "pool", ins("x"), outs("p"), ints("kernel_shape", 2, 2), extra)
        .node("Flatten", "flat", ins("p"), outs("out"))
        .output("out");
  }

  @Test
  void averagePoolFormsVigilCannotRun() {
    OnnxGraphs.Graph excludePad =
        base(13)
            .node(
                "AveragePool",
                "avg",
                ins("x"),
                outs("p"),
                ints("kernel_shape", 3, 3),
                ints("pads", 1, 1, 1, 1))
            .node("Flatten", "flat", ins("p"), outs("out"))
            .output("out");
    mentions(refused(excludePad), "node 'avg' (AveragePool, opset 13)", "count_include_pad=0");
    OnnxGraphs.Graph ceil =
        base(13)
            .node(
                "AveragePool",
                "avg",
                ins("x"),
                outs("p"),
                ints("kernel_shape", 3, 3),
                ints("strides", 2, 2),
                attr("ceil_mode", 1L))
            .node("Flatten", "flat", ins("p"), outs("out"))
            .output("out");
    mentions(refused(ceil), "node 'avg' (AveragePool, opset 13)", "ceil_mode=1", "tile");
  }

  @Test
  void gemmTransA() {
    OnnxGraphs.Graph g =
        base(13)
            .init("fc", dims(16, 2), new float[32])
            .node("Flatten", "flat", ins("x"), outs("f"))
            .node("Gemm", "fc", ins("f", "fc"), outs("out"), attr("transA", 1L))
            .output("out");
    mentions(refused(g), "node 'fc' (Gemm, opset 13)", "transA=1");
  }

  @Test
  void constantAddedWhereItIsNotABias() {
    OnnxGraphs.Graph g =
        base(13)
            .init("c", dims(1, 2, 1, 1), new float[] {1, 2})
            .node("Conv", "conv", ins("x", "w"), outs("y"))
            .node("Relu", "r", ins("y"), outs("z"))
            .node("Add", "shift", ins("z", "c"), outs("s"))
            .node("Flatten", "flat", ins("s"), outs("out"))
            .output("out");
    mentions(refused(g), "node 'shift' (Add, opset 13)", "[1, 2, 1, 1]", "bias");
    OnnxGraphs.Graph shared =
        base(13)
            .init("c", dims(1, 2, 1, 1), new float[] {1, 2})
            .node("Conv", "conv", ins("x", "w"), outs("y"))
            .node("Add", "shift", ins("y", "c"), outs("s"))
            .node("Add", "sum", ins("s", "y"), outs("t"))
            .node("Flatten", "flat", ins("t"), outs("out"))
            .output("out");
    mentions(refused(shared), "node 'shift' (Add, opset 13)", "read only here");
  }

  @Test
  void shapeOperatorsOnlyOnChannelsAndFeatures() {
    OnnxGraphs.Graph concat =
        base(13)
            .node("Concat", "cat", ins("x", "x"), outs("c"), attr("axis", 2L))
            .node("Flatten", "flat", ins("c"), outs("out"))
            .output("out");
    mentions(refused(concat), "node 'cat' (Concat, opset 13)", "axis=2");
    OnnxGraphs.Graph flatten =
        base(13).node("Flatten", "flat", ins("x"), outs("out"), attr("axis", 2L)).output("out");
    mentions(refused(flatten), "node 'flat' (Flatten, opset 13)", "axis=2");
    OnnxGraphs.Graph reshape =
        base(13)
            .initInts("shape", 0, 4, -1)
            .node("Reshape", "rs", ins("x", "shape"), outs("out"))
            .output("out");
    mentions(refused(reshape), "node 'rs' (Reshape, opset 13)", "[0, 4, -1]");
    OnnxGraphs.Graph batchOfOne =
        OnnxGraphs.graph(13)
            .input("x", 2, 1, 4, 4)
            .initInts("shape", 1, -1)
            .node("Reshape", "rs", ins("x", "shape"), outs("out"))
            .output("out");
    mentions(refused(batchOfOne), "node 'rs' (Reshape, opset 13)", "[1, -1]", "batch 2");
  }

  @Test
  void normalisationAndActivationValues() {
    OnnxGraphs.Graph lrn =
        base(13)
            .node("LRN", "lrn", ins("x"), outs("y"), attr("size", 4L))
            .node("Flatten", "flat", ins("y"), outs("out"))
            .output("out");
    mentions(refused(lrn), "node 'lrn' (LRN, opset 13)", "size=4");
    OnnxGraphs.Graph bn =
        base(15)
            .init("s", dims(1), new float[] {1})
            .init("b", dims(1), new float[] {0})
            .init("m", dims(1), new float[] {0})
            .init("v", dims(1), new float[] {1})
            .node(
                "BatchNormalization",
                "bn",
                ins("x", "s", "b", "m", "v"),
                outs("y"),
                attr("training_mode", 1L))
            .node("Flatten", "flat", ins("y"), outs("out"))
            .output("out");
    mentions(refused(bn), "node 'bn' (BatchNormalization, opset 15)", "training_mode=1");
    OnnxGraphs.Graph leaky =
        base(13)
            .node("LeakyRelu", "lr", ins("x"), outs("y"), attr("alpha", 1.5f))
            .node("Flatten", "flat", ins("y"), outs("out"))
            .output("out");
    mentions(refused(leaky), "node 'lr' (LeakyRelu, opset 13)", "alpha=1.5");
    OnnxGraphs.Graph dropoutMask =
        base(9)
            .node("Dropout", "drop", ins("x"), outs("y", "mask"))
            .node("Flatten", "flat", ins("mask"), outs("out"))
            .output("out");
    mentions(refused(dropoutMask), "node 'drop' (Dropout, opset 9)", "'mask'");
  }

  @Test
  void softmaxOverPartOfAnImage() {
    OnnxGraphs.Graph axis =
        base(13).node("Softmax", "sm", ins("x"), outs("out"), attr("axis", 1L)).output("out");
    mentions(refused(axis), "node 'sm' (Softmax, opset 13)", "axis=1");
  }

  @Test
  void padsVigilCannotFold() {
    mentions(
        refused(padThen(13, "Conv", 0, 0, 1, 1, 0, 0, 1, 1).init("p", dims(0), new float[0])),
        "(Pad, opset 13)");
    OnnxGraphs.Graph reflect =
        base(13)
            .initInts("pads", 0, 0, 1, 1, 0, 0, 1, 1)
            .node("Pad", "pad", ins("x", "pads"), outs("p"), attr("mode", "reflect"))
            .node("Conv", "conv", ins("p", "w"), outs("y"))
            .node("Flatten", "flat", ins("y"), outs("out"))
            .output("out");
    mentions(refused(reflect), "node 'pad' (Pad, opset 13)", "mode=reflect");
    mentions(
        refused(padThen(13, "Conv", 0, 0, 1, 1, 0, 0, 2, 1)),
        "node 'pad' (Pad, opset 13)",
        "[0, 0, 1, 1, 0, 0, 2, 1]");
    OnnxGraphs.Graph intoRelu =
        base(13)
            .initInts("pads", 0, 0, 1, 1, 0, 0, 1, 1)
            .node("Pad", "pad", ins("x", "pads"), outs("p"))
            .node("Relu", "r", ins("p"), outs("y"))
            .node("Flatten", "flat", ins("y"), outs("out"))
            .output("out");
    mentions(refused(intoRelu), "node 'r' (Relu, opset 13)", "Pad");
    mentions(
        refused(padThen(13, "MaxPool", 0, 0, 1, 1, 0, 0, 1, 1)), "(MaxPool, opset 13)", "negative");
  }

  /** x → Pad(pads) → op (Conv with w, or a 2×2 MaxPool) → Flatten. */
  private static OnnxGraphs.Graph padThen(int opset, String op, long... pads) {
    OnnxGraphs.Graph g =
        base(opset).initInts("pads", pads).node("Pad", "pad", ins("x", "pads"), outs("p"));
    if (op.equals("Conv")) {
      g.node("Conv", "conv", ins("p", "w"), outs("y"));
    } else {
      g.node("MaxPool", "pool", ins("p"), outs("y"), ints("kernel_shape", 2, 2));
    }
    return g.node("Flatten", "flat", ins("y"), outs("out")).output("out");
  }

  @Test
  void classNamesMustMatchTheOutputs() {
    OnnxFormatException e =
        assertThrows(
            OnnxFormatException.class,
            () ->
                OnnxImport.read(
                    valid(13).bytes(),
                    "bad.onnx",
                    new ImportOptions(null, null, null, List.of("a", "b", "c"), null, null),
                    OnnxGraphs.CPU));
    mentions(e.getMessage(), "3 classes", "8 outputs");
    mentions(
        refused(valid(13).metadata("vigil.classes", "[\"a\",\"b\"]")),
        "metadata name 2 classes",
        "8 outputs");
  }

  @Test
  void graphWithTwoOutputs() {
    OnnxGraphs.Graph g =
        base(13)
            .node("Conv", "conv", ins("x", "w"), outs("y"))
            .node("Flatten", "flat", ins("y"), outs("out"))
            .output("out")
            .output("y");
    mentions(refused(g), "2 outputs");
  }

  @Test
  void aNodeWithoutANameIsNamedByItsPosition() {
    OnnxGraphs.Graph g =
        base(13)
            .node(NodeProto.newBuilder().setOpType("Erf").addInput("x").addOutput("y").build())
            .node("Flatten", "flat", ins("y"), outs("out"))
            .output("out");
    mentions(refused(g), "node #0 (Erf, opset 13)");
  }
}
