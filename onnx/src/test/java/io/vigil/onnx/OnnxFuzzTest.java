package io.vigil.onnx;

import static io.vigil.onnx.OnnxGraphs.attr;
import static io.vigil.onnx.OnnxGraphs.dims;
import static io.vigil.onnx.OnnxGraphs.ins;
import static io.vigil.onnx.OnnxGraphs.ints;
import static io.vigil.onnx.OnnxGraphs.outs;
import static io.vigil.onnx.OnnxGraphs.random;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.engine.model.Model;
import java.util.Arrays;
import java.util.Random;
import onnx.Onnx.GraphProto;
import onnx.Onnx.ModelProto;
import onnx.Onnx.TensorProto;
import onnx.Onnx.TensorShapeProto;
import org.junit.jupiter.api.Test;

/**
 * Damaged files: every truncation of a valid model and thousands of random byte changes either
 * import (and then run) or are refused with an {@link OnnxFormatException}; never another
 * exception, never an allocation the file does not pay for (huge or negative dimensions included).
 */
class OnnxFuzzTest {

  /**
   * A small model that goes through most mappings: Pad, Conv, BatchNorm, pools, Add, a view's shape
   * arithmetic, Gemm, Softmax.
   */
  static ModelProto sample() {
    Random r = new Random(5);
    return OnnxGraphs.graph(13)
        .input("x", "N", 1, 6, 6)
        .init("w", dims(2, 1, 3, 3), random(r, 18, 0.5))
        .initRaw("b", dims(2), random(r, 2, 0.1))
        .init("s", dims(2), new float[] {1, 2})
        .init("t", dims(2), new float[] {0, 1})
        .init("m", dims(2), new float[] {0.5f, 0})
        .init("v", dims(2), new float[] {1, 3})
        .initRaw("fc", dims(3, 18), random(r, 54, 0.5))
        .initInts("pads", 0, 0, 1, 1, 0, 0, 1, 1)
        .node("Pad", "pad", ins("x", "pads"), outs("p"))
        .node("Conv", "conv", ins("p", "w", "b"), outs("c"), ints("strides", 1, 1))
        .node("BatchNormalization", "bn", ins("c", "s", "t", "m", "v"), outs("n"))
        .node("Relu", "relu", ins("n"), outs("r"))
        .node(
            "MaxPool",
            "pool",
            ins("r"),
            outs("q"),
            ints("kernel_shape", 2, 2),
            ints("strides", 2, 2))
        .node(
            "AveragePool",
            "avg",
            ins("r"),
            outs("a"),
            ints("kernel_shape", 2, 2),
            ints("strides", 2, 2))
        .node("Add", "sum", ins("q", "a"), outs("z"))
        .node("Shape", "dims", ins("z"), outs("dims"))
        .initInts("zero", 0)
        .node("Gather", "batch", ins("dims", "zero"), outs("batch"))
        .initInts("rest", -1)
        .node("Concat", "target", ins("batch", "rest"), outs("shape"), attr("axis", 0L))
        .node("Reshape", "flat", ins("z", "shape"), outs("f"))
        .node("Gemm", "fc", ins("f", "fc"), outs("y"), attr("transB", 1L))
        .node("Softmax", "sm", ins("y"), outs("out"))
        .output("out")
        .model();
  }

  /** The sample, imported on the CPU. */
  static Model sampleModel() throws OnnxFormatException {
    return OnnxImport.read(
        sample().toByteArray(), "sample.onnx", ImportOptions.defaults(), OnnxGraphs.CPU);
  }

  /** Imports {@code bytes}: a refusal must be an OnnxFormatException; an import must run. */
  private static boolean tryImport(byte[] bytes, String what) {
    Model model;
    try {
      model = OnnxImport.read(bytes, "fuzz.onnx", ImportOptions.defaults(), OnnxGraphs.CPU);
    } catch (OnnxFormatException e) {
      assertTrue(e.getMessage().startsWith("fuzz.onnx: "), what + ": " + e.getMessage());
      return false;
    } catch (Throwable t) {
      throw new AssertionError(what + ": " + t, t);
    }
    try {
      float[] out = OnnxGraphs.run(model, new float[2 * model.input().size()]);
      assertEquals(2 * model.classNames().size(), out.length, what);
    } catch (RuntimeException | Error e) {
      throw new AssertionError(what + ": imported but does not run: " + e, e);
    }
    return true;
  }

  @Test
  void theSampleImportsAndRuns() throws Exception {
    OnnxImport.read(sample().toByteArray(), "s.onnx", ImportOptions.defaults(), OnnxGraphs.CPU);
    assertTrue(tryImport(sample().toByteArray(), "sample"));
  }

  @Test
  void everyTruncationIsRefused() {
    byte[] bytes = sample().toByteArray();
    for (int n = 0; n < bytes.length; n++) {
      byte[] prefix = Arrays.copyOf(bytes, n);
      int len = n;
      assertThrows(
          OnnxFormatException.class,
          () -> OnnxImport.read(prefix, "cut.onnx", ImportOptions.defaults(), OnnxGraphs.CPU),
          () -> "the first " + len + " of " + bytes.length + " bytes imported");
    }
  }

  @Test
  void changedBytesAreRefusedOrImportAModelThatRuns() {
    byte[] bytes = sample().toByteArray();
    Random random = new Random(42);
    int imported = 0;
    int trials = 4000;
    for (int trial = 0; trial < trials; trial++) {
      byte[] changed = bytes.clone();
      int changes = 1 + random.nextInt(3);
      StringBuilder what = new StringBuilder("trial " + trial + ":");
      for (int k = 0; k < changes; k++) {
        int at = random.nextInt(changed.length);
        byte value =
            random.nextBoolean()
                ? (byte) (changed[at] ^ (1 << random.nextInt(8)))
                : (byte) random.nextInt(256);
        what.append(" byte ").append(at).append("→").append(value);
        changed[at] = value;
      }
      if (tryImport(changed, what.toString())) {
        imported++;
      }
    }
    // Most changes hit weights and still import; the rest must have been refused above.
    assertTrue(imported > 0 && imported < trials, imported + " of " + trials + " imported");
  }

  @Test
  void hugeAndNegativeDimensionsAreRefusedBeforeAllocating() {
    long[][] bad = {
      {Long.MAX_VALUE, 1, 3, 3},
      {-1, 1, 3, 3},
      {1L << 31, 1L << 31, 1, 1},
      {1L << 40},
      {2, 1, 3, 1L << 30}
    };
    ModelProto m = sample();
    for (long[] d : bad) {
      TensorProto.Builder w = m.getGraph().getInitializer(0).toBuilder().clearDims();
      for (long v : d) {
        w.addDims(v);
      }
      GraphProto g = m.getGraph().toBuilder().setInitializer(0, w).build();
      assertThrows(
          OnnxFormatException.class,
          () ->
              OnnxImport.read(
                  m.toBuilder().setGraph(g).build().toByteArray(),
                  "dims.onnx",
                  ImportOptions.defaults(),
                  OnnxGraphs.CPU),
          () -> "dims " + Arrays.toString(d));
    }
    for (long side : new long[] {0, -5, 1L << 20, 1L << 40, Long.MAX_VALUE}) {
      GraphProto.Builder g = m.getGraph().toBuilder();
      g.getInputBuilder(0)
          .getTypeBuilder()
          .getTensorTypeBuilder()
          .getShapeBuilder()
          .setDim(2, TensorShapeProto.Dimension.newBuilder().setDimValue(side));
      byte[] bytes = m.toBuilder().setGraph(g).build().toByteArray();
      OnnxFormatException e =
          assertThrows(
              OnnxFormatException.class,
              () -> OnnxImport.read(bytes, "in.onnx", ImportOptions.defaults(), OnnxGraphs.CPU));
      assertTrue(e.getMessage().contains("height"), e.getMessage());
    }
  }

  @Test
  void aHugeTransposedConvolutionOutputIsRefused() {
    ModelProto m =
        OnnxGraphs.graph(13)
            .input("x", 1, 1, 64, 64)
            .init("w", dims(1, 1, 1, 1), new float[] {1})
            .node("ConvTranspose", "up", ins("x", "w"), outs("y"), ints("strides", 60000, 60000))
            .node("Flatten", "f", ins("y"), outs("out"))
            .output("out")
            .model();
    OnnxFormatException e =
        assertThrows(
            OnnxFormatException.class,
            () ->
                OnnxImport.read(
                    m.toByteArray(), "big.onnx", ImportOptions.defaults(), OnnxGraphs.CPU));
    assertTrue(e.getMessage().contains("node 'up' (ConvTranspose, opset 13)"), e.getMessage());
  }

  @Test
  void failureIsNotSilentForAnUnusedBrokenBranch() {
    // A node nothing reads is left out, but its inputs must still be defined.
    ModelProto m = sample();
    GraphProto g =
        m.getGraph().toBuilder()
            .addNode(OnnxGraphs.nodeProto("Relu", "dead", ins("nowhere"), outs("dead_out")))
            .build();
    byte[] bytes = m.toBuilder().setGraph(g).build().toByteArray();
    OnnxFormatException e =
        assertThrows(
            OnnxFormatException.class,
            () -> OnnxImport.read(bytes, "dead.onnx", ImportOptions.defaults(), OnnxGraphs.CPU));
    assertTrue(e.getMessage().contains("'nowhere' read by node 'dead' (Relu, opset 13)"));
  }
}
