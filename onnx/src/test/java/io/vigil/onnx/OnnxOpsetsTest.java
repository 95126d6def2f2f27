package io.vigil.onnx;

import static io.vigil.onnx.OnnxGraphs.attr;
import static io.vigil.onnx.OnnxGraphs.dims;
import static io.vigil.onnx.OnnxGraphs.ins;
import static io.vigil.onnx.OnnxGraphs.outs;
import static io.vigil.onnx.OnnxGraphs.random;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.engine.model.Model;
import java.util.Random;
import onnx.Onnx.TensorProto;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Where operators changed between opsets 9 and 17: BatchNormalization's extra outputs (9: four
 * statistics, 14: two running ones), Softmax's axis (before 13 it flattens from axis 1, from 13 it
 * normalises one axis, -1 by default), Pad's pads and value (attributes before 11, inputs from 11),
 * Dropout's ratio and training mode (inputs from 12), Constant's value forms (12).
 */
class OnnxOpsetsTest {

  private static String refused(OnnxGraphs.Graph g) {
    return assertThrows(OnnxFormatException.class, g::load).getMessage();
  }

  private static OnnxGraphs.Graph batchNorm(int opset, String... outputs) {
    return OnnxGraphs.graph(opset)
        .input("x", "N", 3, 2, 2)
        .init("s", dims(3), new float[] {1, 2, 3})
        .init("b", dims(3), new float[] {0, 1, 0})
        .init("m", dims(3), new float[] {0, 0.5f, 0})
        .init("v", dims(3), new float[] {1, 2, 4})
        .node("BatchNormalization", "bn", ins("x", "s", "b", "m", "v"), outputs)
        .node("Flatten", "flat", ins("y"), outs("out"))
        .output("out");
  }

  @Test
  void batchNormStatisticOutputsOfOpsetNineAndFourteenMayBeWrittenButNotRead() throws Exception {
    OnnxGraphs.check(batchNorm(9, "y", "mean", "var", "saved_mean", "saved_var"), 1);
    OnnxGraphs.check(batchNorm(14, "y", "running_mean", "running_var"), 2);
    OnnxGraphs.Graph read =
        batchNorm(14, "y", "running_mean", "running_var")
            .node("Relu", "r", ins("running_mean"), outs("unused"));
    // Nothing on the way to the output reads it, so the graph imports...
    OnnxGraphs.check(read, 3);
    // ...but when the output depends on it, it is refused.
    OnnxGraphs.Graph needed =
        OnnxGraphs.graph(14)
            .input("x", "N", 3, 2, 2)
            .init("s", dims(3), new float[] {1, 2, 3})
            .init("b", dims(3), new float[] {0, 1, 0})
            .init("m", dims(3), new float[] {0, 0.5f, 0})
            .init("v", dims(3), new float[] {1, 2, 4})
            .node(
                "BatchNormalization",
                "bn",
                ins("x", "s", "b", "m", "v"),
                outs("y", "running_mean", "running_var"))
            .node("Flatten", "flat", ins("running_mean"), outs("out"))
            .output("out");
    String message = refused(needed);
    assertTrue(
        message.contains("node 'bn' (BatchNormalization, opset 14)")
            && message.contains("'running_mean'"),
        message);
  }

  /** x (N×1×2×3) → Conv 1×1 (4 filters) → Softmax(axis?) as the output. */
  private static OnnxGraphs.Graph softmaxOnImages(int opset, Long axis) {
    OnnxGraphs.Graph g =
        OnnxGraphs.graph(opset)
            .input("x", "N", 1, 2, 3)
            .init("w", dims(4, 1, 1, 1), new float[] {1, -1, 0.5f, 2})
            .node("Conv", "c", ins("x", "w"), outs("y"));
    return axis == null
        ? g.node("Softmax", "sm", ins("y"), outs("out")).output("out")
        : g.node("Softmax", "sm", ins("y"), outs("out"), attr("axis", axis)).output("out");
  }

  @ParameterizedTest
  @ValueSource(ints = {9, 11})
  void beforeOpsetThirteenSoftmaxOverAnImageCoversAllItsValues(int opset) throws Exception {
    Model m = softmaxOnImages(opset, null).load();
    float[] x = random(new Random(4), 12, 1);
    float[] probs = OnnxReference.run(softmaxOnImages(opset, null).model(), dims(2, 1, 2, 3), x);
    OnnxGraphs.assertClose(probs, OnnxImportTest.softmax(OnnxGraphs.run(m, x), 24), 1e-5);
  }

  @ParameterizedTest
  @ValueSource(ints = {13, 17})
  void fromOpsetThirteenSoftmaxOverOneAxisOfAnImageIsRefused(int opset) {
    String message = refused(softmaxOnImages(opset, null));
    assertTrue(message.contains("(Softmax, opset " + opset + ")"), message);
    assertTrue(message.contains("axis=-1"), message);
    assertTrue(refused(softmaxOnImages(opset, 1L)).contains("axis=1"));
  }

  @Test
  void padValueOtherThanZeroIsRefusedInBothForms() {
    OnnxGraphs.Graph nine =
        OnnxGraphs.graph(9)
            .input("x", "N", 1, 3, 3)
            .init("w", dims(1, 1, 3, 3), new float[9])
            .node(
                "Pad",
                "pad",
                ins("x"),
                outs("p"),
                OnnxGraphs.ints("pads", 0, 0, 1, 1, 0, 0, 1, 1),
                attr("value", 1f))
            .node("Conv", "c", ins("p", "w"), outs("y"))
            .node("Flatten", "f", ins("y"), outs("out"))
            .output("out");
    assertTrue(refused(nine).contains("node 'pad' (Pad, opset 9)"));
    OnnxGraphs.Graph eleven =
        OnnxGraphs.graph(11)
            .input("x", "N", 1, 3, 3)
            .init("w", dims(1, 1, 3, 3), new float[9])
            .initInts("pads", 0, 0, 1, 1, 0, 0, 1, 1)
            .init("value", dims(), new float[] {-1})
            .node("Pad", "pad", ins("x", "pads", "value"), outs("p"))
            .node("Conv", "c", ins("p", "w"), outs("y"))
            .node("Flatten", "f", ins("y"), outs("out"))
            .output("out");
    String message = refused(eleven);
    assertTrue(
        message.contains("node 'pad' (Pad, opset 11)") && message.contains("value=-1"), message);
    // Opset 9's form in an opset 11 file: the pads attribute is no longer part of Pad.
    OnnxGraphs.Graph mixed =
        OnnxGraphs.graph(11)
            .input("x", "N", 1, 3, 3)
            .init("w", dims(1, 1, 3, 3), new float[9])
            .node(
                "Pad", "pad", ins("x"), outs("p"), OnnxGraphs.ints("pads", 0, 0, 1, 1, 0, 0, 1, 1))
            .node("Conv", "c", ins("p", "w"), outs("y"))
            .node("Flatten", "f", ins("y"), outs("out"))
            .output("out");
    assertTrue(refused(mixed).contains("node 'pad' (Pad, opset 11)"));
  }

  @ParameterizedTest
  @ValueSource(ints = {12, 13, 17})
  void dropoutInTrainingModeIsRefused(int opset) {
    OnnxGraphs.Graph g =
        OnnxGraphs.graph(opset)
            .input("x", "N", 1, 2, 2)
            .init(
                TensorProto.newBuilder()
                    .setName("training")
                    .setDataType(TensorProto.DataType.BOOL_VALUE)
                    .addInt32Data(1)
                    .build())
            .node("Dropout", "d", ins("x", "", "training"), outs("y"))
            .node("Flatten", "f", ins("y"), outs("out"))
            .output("out");
    String message = refused(g);
    assertTrue(
        message.contains("node 'd' (Dropout, opset " + opset + ")")
            && message.contains("training_mode"),
        message);
  }

  @Test
  void dropoutRatioAttributeIsOpsetNineToElevenOnly() {
    OnnxGraphs.Graph g =
        OnnxGraphs.graph(13)
            .input("x", "N", 1, 2, 2)
            .node("Dropout", "d", ins("x"), outs("y"), attr("ratio", 0.2f))
            .node("Flatten", "f", ins("y"), outs("out"))
            .output("out");
    assertTrue(refused(g).contains("'ratio'"));
  }

  /**
   * PyTorch's {@code x.view(x.size(0), -1)} with a variable batch: Shape → Gather → Unsqueeze (axes
   * an attribute before opset 13, an input from 13) → Concat with [-1] → Reshape.
   */
  @ParameterizedTest
  @ValueSource(ints = {9, 11, 13, 17})
  void viewKeepingTheBatchIsAFlatten(int opset) throws Exception {
    OnnxGraphs.Graph g =
        OnnxGraphs.graph(opset)
            .input("x", "N", 1, 4, 4)
            .init("w", dims(2, 1, 3, 3), random(new Random(6), 18, 0.5))
            .init("fc", dims(3, 8), random(new Random(7), 24, 0.5))
            .node("Conv", "conv", ins("x", "w"), outs("c"))
            .node("Relu", "relu", ins("c"), outs("r"))
            .node("Shape", "shape", ins("r"), outs("s"))
            .node(
                "Constant",
                "zero",
                ins(),
                outs("zero"),
                attr("value", OnnxGraphs.int64s("v", 0).toBuilder().clearDims().build()))
            .node("Gather", "batch", ins("s", "zero"), outs("n"), attr("axis", 0L))
            .node(
                "Constant", "rest", ins(), outs("rest"), attr("value", OnnxGraphs.int64s("v", -1)));
    if (opset < 13) {
      g.node("Unsqueeze", "n1", ins("n"), outs("n1"), OnnxGraphs.ints("axes", 0));
    } else {
      g.initInts("axes", 0).node("Unsqueeze", "n1", ins("n", "axes"), outs("n1"));
    }
    g.node("Concat", "target", ins("n1", "rest"), outs("t"), attr("axis", 0L))
        .node("Reshape", "view", ins("r", "t"), outs("f"))
        .node("Gemm", "fc", ins("f", "fc"), outs("out"), attr("transB", 1L))
        .output("out");
    Model m = OnnxGraphs.check(g, 8);
    assertEquals(4, m.network().spec().nodes().size(), "conv, relu, flatten, linear");
  }

  @Test
  void theBatchOfAShapeIsOnlyForKeepingTheBatch() {
    OnnxGraphs.Graph g =
        OnnxGraphs.graph(13)
            .input("x", "N", 1, 4, 4)
            .node("Shape", "shape", ins("x"), outs("s"))
            .node("Reshape", "view", ins("x", "s"), outs("out"))
            .output("out");
    String message = refused(g);
    assertTrue(message.contains("[N, 1, 4, 4]"), message);
  }

  @Test
  void constantValueIntsShapesAReshapeFromOpsetTwelve() throws Exception {
    OnnxGraphs.Graph g =
        OnnxGraphs.graph(13)
            .input("x", "N", 1, 2, 2)
            .node("Constant", "k", ins(), outs("shape"), OnnxGraphs.ints("value_ints", 0, -1))
            .node("Reshape", "rs", ins("x", "shape"), outs("out"))
            .output("out");
    Model m = OnnxGraphs.check(g, 5);
    assertEquals(1, m.network().spec().nodes().size());
  }
}
