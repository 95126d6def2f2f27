package io.vigil.onnx;

import static io.vigil.onnx.OnnxGraphs.attr;
import static io.vigil.onnx.OnnxGraphs.check;
import static io.vigil.onnx.OnnxGraphs.dims;
import static io.vigil.onnx.OnnxGraphs.ins;
import static io.vigil.onnx.OnnxGraphs.ints;
import static io.vigil.onnx.OnnxGraphs.outs;
import static io.vigil.onnx.OnnxGraphs.random;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.engine.layer.Conv2dSpec;
import io.vigil.engine.model.Model;
import io.vigil.engine.network.NodeSpec;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import onnx.Onnx.TensorProto;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Operators evaluated on constants at import (ConstantOfShape, Reshape, Slice, Transpose, Cast,
 * Squeeze), each computing the pads of a Pad folded into a convolution: the model equals {@link
 * OnnxReference}'s, the convolution has the computed padding and no layer computes the constants.
 */
class OnnxConstantOpsTest {

  private final Random r = new Random(31);

  /** An int64 tensor of any dims. */
  private static TensorProto int64s(String name, long[] dims, long... values) {
    TensorProto.Builder b = OnnxGraphs.int64s(name, values).toBuilder().clearDims();
    for (long d : dims) {
      b.addDims(d);
    }
    return b.build();
  }

  private static TensorProto scalar(String name, long value) {
    return int64s(name, dims(), value);
  }

  /**
   * x (2×3×5×6) → Pad(pads computed by {@code pads}, which defines "pads") → Conv 3×3 → Flatten;
   * checks against the reference and returns the convolution, which must be the only layer before
   * the flatten.
   */
  private Conv2dSpec padded(int opset, long seed, Consumer<OnnxGraphs.Graph> pads)
      throws Exception {
    OnnxGraphs.Graph g =
        OnnxGraphs.graph(opset)
            .input("x", "N", 3, 5, 6)
            .init("w", dims(2, 3, 3, 3), random(r, 54, 0.4));
    pads.accept(g);
    g.node("Pad", "pad", ins("x", "pads"), outs("p"))
        .node("Conv", "c", ins("p", "w"), outs("y"))
        .node("Flatten", "f", ins("y"), outs("out"))
        .output("out");
    Model m = check(g, seed);
    List<NodeSpec> nodes = m.network().spec().nodes();
    assertEquals(2, nodes.size(), "constants evaluated away: " + nodes);
    return (Conv2dSpec) nodes.get(0).layer();
  }

  private static void assertPads(int h, int w, Conv2dSpec conv) {
    assertEquals(h, conv.padH(), "height padding of " + conv);
    assertEquals(w, conv.padW(), "width padding of " + conv);
  }

  /** The subgraph PyTorch 1.13 writes for {@code F.pad(x, (2, 2, 1, 1))} from opset 11 on. */
  @ParameterizedTest
  @ValueSource(ints = {11, 13, 17})
  void pyTorchsPadsSubgraph(int opset) throws Exception {
    Conv2dSpec conv =
        padded(
            opset,
            41,
            g ->
                g.node(
                        "Constant",
                        "/Constant",
                        ins(),
                        outs("four"),
                        attr("value", OnnxGraphs.int64s("v", 4)))
                    .node(
                        "Constant",
                        "/Constant_1",
                        ins(),
                        outs("given"),
                        attr("value", OnnxGraphs.int64s("v", 2, 2, 1, 1)))
                    .node(
                        "ConstantOfShape",
                        "/ConstantOfShape",
                        ins("four"),
                        outs("zeros"),
                        attr("value", OnnxGraphs.int64s("v", 0)))
                    .node("Concat", "/Concat", ins("given", "zeros"), outs("all"), attr("axis", 0L))
                    .initInts("pairs", -1, 2)
                    .node("Reshape", "/Reshape", ins("all", "pairs"), outs("byAxis"))
                    .initInts("start", -1)
                    .initInts("end", -9223372036854775807L)
                    .initInts("axis", 0)
                    .initInts("step", -1)
                    .node(
                        "Slice",
                        "/Slice",
                        ins("byAxis", "start", "end", "axis", "step"),
                        outs("reversed"))
                    .node("Transpose", "/Transpose", ins("reversed"), outs("t"), ints("perm", 1, 0))
                    .initInts("flat", -1)
                    .node("Reshape", "/Reshape_1", ins("t", "flat"), outs("long"))
                    .node("Cast", "/Cast", ins("long"), outs("pads"), attr("to", 7L)));
    assertPads(1, 2, conv);
  }

  @Test
  void sliceWithNegativeStepsAndAxes() throws Exception {
    // Both axes of a 2×5 table reversed (torch's way of reading its pads from the end), then the
    // first row taken with a negative axis: [0, 0, 2, 1, 0, 0, 2, 1] needs columns reversed too.
    Conv2dSpec conv =
        padded(
            13,
            42,
            g ->
                g.init(int64s("table", dims(2, 8), 9, 9, 9, 9, 9, 9, 9, 9, 1, 2, 0, 0, 1, 2, 0, 0))
                    .initInts("starts", -1, 100)
                    .initInts("ends", -9223372036854775807L, -9223372036854775807L)
                    .initInts("axes", 0, -1)
                    .initInts("steps", -1, -1)
                    .node(
                        "Slice",
                        "rev",
                        ins("table", "starts", "ends", "axes", "steps"),
                        outs("both"))
                    .initInts("first", 0)
                    .initInts("one", 1)
                    .initInts("rows", 0)
                    .node("Slice", "row", ins("both", "first", "one", "rows"), outs("row"))
                    .initInts("flat", -1)
                    .node("Reshape", "flatten", ins("row", "flat"), outs("pads")));
    assertPads(2, 1, conv);
  }

  @Test
  void sliceWithAttributesBeforeOpsetTen() throws Exception {
    // Opset 9 reads Pad's pads from an attribute, so here the slice gives a Reshape its shape:
    // [7, 0, -1, 7] cut to [0, -1], a flatten.
    OnnxGraphs.Graph g =
        OnnxGraphs.graph(9)
            .input("x", "N", 3, 5, 6)
            .init("w", dims(2, 3, 3, 3), random(r, 54, 0.4))
            .node("Conv", "c", ins("x", "w"), outs("y"))
            .initInts("long", 7, 0, -1, 7)
            .node(
                "Slice",
                "s",
                ins("long"),
                outs("shape"),
                ints("starts", 1),
                ints("ends", -1),
                ints("axes", 0))
            .node("Reshape", "r", ins("y", "shape"), outs("out"))
            .output("out");
    Model m = check(g, 43);
    assertEquals(2, m.network().spec().nodes().size(), "Conv and Flatten");
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1})
  void transposeWithPermAndByDefault(int withPerm) throws Exception {
    Conv2dSpec conv =
        padded(
            13,
            44,
            g -> {
              g.init(int64s("pairs", dims(4, 2), 0, 0, 0, 0, 1, 1, 3, 3));
              if (withPerm == 1) {
                g.node("Transpose", "t", ins("pairs"), outs("t"), ints("perm", 1, 0));
              } else {
                g.node("Transpose", "t", ins("pairs"), outs("t"));
              }
              g.initInts("flat", -1).node("Reshape", "flatten", ins("t", "flat"), outs("pads"));
            });
    assertPads(1, 3, conv);
  }

  @Test
  void castOfFloatsAndSqueeze() throws Exception {
    Conv2dSpec conv =
        padded(
            13,
            45,
            g ->
                g.init("f", dims(1, 8), new float[] {0, 0, 2, 1, 0, 0, 2, 1})
                    .node("Cast", "toInt", ins("f"), outs("i"), attr("to", 7L))
                    .initInts("axis0", 0)
                    .node("Squeeze", "sq", ins("i", "axis0"), outs("pads")));
    assertPads(2, 1, conv);
  }

  @Test
  void constantOfShapeWithAndWithoutValue() throws Exception {
    // Default value: float zeros, cast to int64; with a value: that value, here int64 1.
    Conv2dSpec conv =
        padded(
            11,
            46,
            g ->
                g.initInts("two", 2)
                    .node("ConstantOfShape", "zerosF", ins("two"), outs("zf"))
                    .node("Cast", "zerosI", ins("zf"), outs("z"), attr("to", 7L))
                    .node(
                        "ConstantOfShape",
                        "ones",
                        ins("two"),
                        outs("o"),
                        attr("value", OnnxGraphs.int64s("v", 1)))
                    .node(
                        "Concat", "cat", ins("z", "o", "z", "o"), outs("pads"), attr("axis", 0L)));
    assertPads(1, 1, conv);
  }

  @Test
  void oversizedConstantOfShapeIsRefused() {
    OnnxGraphs.Graph g =
        OnnxGraphs.graph(13)
            .input("x", "N", 3, 5, 6)
            .init("w", dims(2, 3, 3, 3), random(r, 54, 0.4))
            .initInts("huge", 1000, 1001)
            .node(
                "ConstantOfShape",
                "big",
                ins("huge"),
                outs("pads"),
                attr("value", OnnxGraphs.int64s("v", 0)))
            .node("Pad", "pad", ins("x", "pads"), outs("p"))
            .node("Conv", "c", ins("p", "w"), outs("y"))
            .node("Flatten", "f", ins("y"), outs("out"))
            .output("out");
    OnnxFormatException e = assertThrows(OnnxFormatException.class, g::load);
    for (String part : List.of("'big'", "ConstantOfShape", "opset 13", "[1000, 1001]", "1000000")) {
      assertTrue(e.getMessage().contains(part), part + " in: " + e.getMessage());
    }
    // Dimensions whose product overflows are refused the same way, before anything is allocated.
    OnnxGraphs.Graph overflow =
        OnnxGraphs.graph(13)
            .input("x", "N", 3, 5, 6)
            .init("w", dims(2, 3, 3, 3), random(r, 54, 0.4))
            .initInts("huge", 1L << 40, 1L << 40)
            .node("ConstantOfShape", "big", ins("huge"), outs("pads"))
            .node("Cast", "cast", ins("pads"), outs("ipads"), attr("to", 7L))
            .node("Pad", "pad", ins("x", "ipads"), outs("p"))
            .node("Conv", "c", ins("p", "w"), outs("y"))
            .node("Flatten", "f", ins("y"), outs("out"))
            .output("out");
    e = assertThrows(OnnxFormatException.class, overflow::load);
    assertTrue(e.getMessage().contains("'big' (ConstantOfShape, opset 13)"), e.getMessage());
  }

  @Test
  void sliceOfAComputedValueIsRefused() {
    OnnxGraphs.Graph g =
        OnnxGraphs.graph(13)
            .input("x", "N", 3, 5, 6)
            .initInts("s", 0)
            .initInts("e", 1)
            .initInts("a", 1)
            .node("Slice", "cut", ins("x", "s", "e", "a"), outs("y"))
            .node("Flatten", "f", ins("y"), outs("out"))
            .output("out");
    OnnxFormatException e = assertThrows(OnnxFormatException.class, g::load);
    assertTrue(e.getMessage().contains("'cut' (Slice, opset 13)"), e.getMessage());
    assertTrue(e.getMessage().contains("constants"), e.getMessage());
  }
}
