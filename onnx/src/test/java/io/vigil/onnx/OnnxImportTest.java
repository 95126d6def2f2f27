package io.vigil.onnx;

import static io.vigil.onnx.OnnxGraphs.attr;
import static io.vigil.onnx.OnnxGraphs.dims;
import static io.vigil.onnx.OnnxGraphs.ins;
import static io.vigil.onnx.OnnxGraphs.ints;
import static io.vigil.onnx.OnnxGraphs.outs;
import static io.vigil.onnx.OnnxGraphs.random;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vigil.engine.layer.Conv2dSpec;
import io.vigil.engine.layer.FlattenSpec;
import io.vigil.engine.layer.LinearSpec;
import io.vigil.engine.layer.MaxPool2dSpec;
import io.vigil.engine.layer.ReluSpec;
import io.vigil.engine.model.Model;
import io.vigil.engine.network.NodeSpec;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Whole small networks imported and run: vigil's outputs equal those of {@link OnnxReference}, an
 * independent interpreter of the ONNX operators, on random weights and inputs.
 */
class OnnxImportTest {

  /** LeNet-5 as PyTorch exports it: Conv, Relu, MaxPool, Flatten, Gemm, trailing Softmax. */
  static OnnxGraphs.Graph lenet(int opset, Random r) {
    return OnnxGraphs.graph(opset)
        .input("x", "N", 1, 28, 28)
        .initRaw("c1.w", dims(6, 1, 5, 5), random(r, 150, 0.3))
        .initRaw("c1.b", dims(6), random(r, 6, 0.1))
        .initRaw("c2.w", dims(16, 6, 5, 5), random(r, 2400, 0.1))
        .initRaw("c2.b", dims(16), random(r, 16, 0.1))
        .initRaw("f1.w", dims(120, 400), random(r, 48000, 0.05))
        .initRaw("f1.b", dims(120), random(r, 120, 0.1))
        .initRaw("f2.w", dims(10, 120), random(r, 1200, 0.1))
        .initRaw("f2.b", dims(10), random(r, 10, 0.1))
        .node(
            "Conv",
            "/conv1/Conv",
            ins("x", "c1.w", "c1.b"),
            outs("a"),
            ints("pads", 2, 2, 2, 2),
            ints("kernel_shape", 5, 5))
        .node("Relu", "/relu1/Relu", ins("a"), outs("b"))
        .node(
            "MaxPool",
            "/pool1/MaxPool",
            ins("b"),
            outs("c"),
            ints("kernel_shape", 2, 2),
            ints("strides", 2, 2))
        .node("Conv", "/conv2/Conv", ins("c", "c2.w", "c2.b"), outs("d"))
        .node("Relu", "", ins("d"), outs("e"))
        .node("MaxPool", "", ins("e"), outs("f"), ints("kernel_shape", 2, 2), ints("strides", 2, 2))
        .node("Flatten", "", ins("f"), outs("g"), attr("axis", 1L))
        .node("Gemm", "/fc1/Gemm", ins("g", "f1.w", "f1.b"), outs("h"), attr("transB", 1L))
        .node("Relu", "", ins("h"), outs("i"))
        .node("Gemm", "/fc2/Gemm", ins("i", "f2.w", "f2.b"), outs("logits"), attr("transB", 1L))
        .node("Softmax", "", ins("logits"), outs("probs"), attr("axis", 1L))
        .output("probs");
  }

  @Test
  void leNetGivesTheReferenceLogitsWithTheSoftmaxDropped() throws Exception {
    OnnxGraphs.Graph g = lenet(13, new Random(1));
    Model model = g.load();
    float[] x = random(new Random(2), 3 * 28 * 28, 1.0);
    // The reference includes the softmax; vigil's model gives logits, so compare after softmax.
    float[] probs = OnnxReference.run(g.model(), dims(3, 1, 28, 28), x);
    float[] logits = OnnxGraphs.run(model, x);
    OnnxGraphs.assertClose(probs, softmax(logits, 10), 1e-5);
    List<NodeSpec> nodes = model.network().spec().nodes();
    assertEquals(10, nodes.size(), "softmax dropped, nothing else: " + nodes);
    assertEquals("conv1_Conv", nodes.get(0).name());
    assertEquals(new Conv2dSpec(6, 5, 5, 1, 1, 2, 2), nodes.get(0).layer());
    assertEquals(new ReluSpec(), nodes.get(1).layer());
    assertEquals(MaxPool2dSpec.of(2, 2), nodes.get(2).layer());
    assertEquals(new FlattenSpec(), nodes.get(6).layer());
    assertEquals(new LinearSpec(10), nodes.get(9).layer());
    assertEquals("Relu_4", nodes.get(4).name(), "a nameless node is named by operator and index");
    assertEquals(List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"), model.classNames());
    assertEquals("test", model.name());
  }

  static float[] softmax(float[] logits, int classes) {
    float[] p = new float[logits.length];
    for (int n = 0; n < logits.length / classes; n++) {
      double max = Double.NEGATIVE_INFINITY;
      for (int i = 0; i < classes; i++) {
        max = Math.max(max, logits[n * classes + i]);
      }
      double sum = 0;
      for (int i = 0; i < classes; i++) {
        sum += Math.exp(logits[n * classes + i] - max);
      }
      for (int i = 0; i < classes; i++) {
        p[n * classes + i] = (float) (Math.exp(logits[n * classes + i] - max) / sum);
      }
    }
    return p;
  }

  /** A residual block with batch norm and an Inception-style concat, ending in GAP and Gemm. */
  @Test
  void residualAndConcatBlocksGiveTheReferenceOutputs() throws Exception {
    Random r = new Random(3);
    OnnxGraphs.Graph g =
        OnnxGraphs.graph(11)
            .input("x", 2, 3, 8, 8)
            .init("w0", dims(4, 3, 3, 3), random(r, 108, 0.3))
            .init("bn.s", dims(4), random(r, 4, 1.0))
            .init("bn.b", dims(4), random(r, 4, 0.1))
            .init("bn.m", dims(4), random(r, 4, 0.1))
            .init("bn.v", dims(4), new float[] {0.5f, 1f, 2f, 0.25f})
            .init("w1", dims(4, 4, 3, 3), random(r, 144, 0.2))
            .init("b1", dims(4), random(r, 4, 0.1))
            .init("w2", dims(2, 4, 1, 1), random(r, 8, 0.5))
            .init("fc.w", dims(6, 3), random(r, 18, 0.5))
            .init("fc.b", dims(3), random(r, 3, 0.5))
            .node("Conv", "stem", ins("x", "w0"), outs("a"), ints("pads", 1, 1, 1, 1))
            .node(
                "BatchNormalization",
                "bn",
                ins("a", "bn.s", "bn.b", "bn.m", "bn.v"),
                outs("b"),
                attr("epsilon", 1e-3f),
                attr("momentum", 0.9f))
            .node("Relu", "r", ins("b"), outs("c"))
            .node("Conv", "res", ins("c", "w1", "b1"), outs("d"), attr("auto_pad", "SAME_UPPER"))
            .node("Add", "sum", ins("d", "c"), outs("e"))
            .node("Conv", "branch", ins("e", "w2"), outs("f"))
            .node("Concat", "cat", ins("e", "f"), outs("g"), attr("axis", 1L))
            .node("GlobalAveragePool", "gap", ins("g"), outs("h"))
            .node("Flatten", "flat", ins("h"), outs("i"))
            .node(
                "Gemm",
                "fc",
                ins("i", "fc.w", "fc.b"),
                outs("y"),
                attr("alpha", 0.5f),
                attr("beta", 2f))
            .output("y");
    OnnxGraphs.check(g, 4);
  }
}
