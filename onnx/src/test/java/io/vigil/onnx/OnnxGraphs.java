package io.vigil.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.vigil.engine.backend.Backend;
import io.vigil.engine.backend.cpu.CpuBackend;
import io.vigil.engine.model.Model;
import io.vigil.engine.network.Network;
import io.vigil.engine.tensor.Shape;
import io.vigil.engine.tensor.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import onnx.Onnx.AttributeProto;
import onnx.Onnx.AttributeProto.AttributeType;
import onnx.Onnx.GraphProto;
import onnx.Onnx.ModelProto;
import onnx.Onnx.NodeProto;
import onnx.Onnx.OperatorSetIdProto;
import onnx.Onnx.StringStringEntryProto;
import onnx.Onnx.TensorProto;
import onnx.Onnx.TensorShapeProto;
import onnx.Onnx.TypeProto;
import onnx.Onnx.ValueInfoProto;

/**
 * Builds small ONNX models in Java for tests, with the generated protobuf builders: a fluent {@link
 * Graph} (input, initializers, nodes, output, metadata), attribute and tensor helpers, and a way to
 * run an imported model on a float input.
 *
 * <pre>
 *   ModelProto m = OnnxGraphs.graph(13).input("x", 1, 1, 8, 8)
 *       .init("w", dims(4, 1, 3, 3), weights)
 *       .node("Conv", "conv", ins("x", "w"), outs("y"), ints("pads", 1, 1, 1, 1))
 *       .output("y").model();
 * </pre>
 */
final class OnnxGraphs {

  static final Backend CPU = new CpuBackend(2);

  private OnnxGraphs() {}

  /** A graph builder importing {@code opset} of the default domain. */
  static Graph graph(int opset) {
    return new Graph(opset);
  }

  /** Fluent builder of one ONNX model. */
  static final class Graph {
    private final int opset;
    private final GraphProto.Builder graph = GraphProto.newBuilder().setName("test");
    private final ModelProto.Builder model = ModelProto.newBuilder();

    private long[] inputDims;

    Graph(int opset) {
      this.opset = opset;
    }

    /** The float input; each dim a Long/Integer (fixed) or a String (symbolic, run as 2). */
    Graph input(String name, Object... dims) {
      graph.addInput(valueInfo(name, TensorProto.DataType.FLOAT_VALUE, dims));
      inputDims = new long[dims.length];
      for (int i = 0; i < dims.length; i++) {
        inputDims[i] = dims[i] instanceof Number n ? n.longValue() : 2;
      }
      return this;
    }

    /** The input's dims, a symbolic one as 2. */
    long[] inputDims() {
      return inputDims.clone();
    }

    Graph rawInput(ValueInfoProto v) {
      graph.addInput(v);
      return this;
    }

    /** A float initializer (float_data). */
    Graph init(String name, long[] dims, float[] values) {
      graph.addInitializer(floats(name, dims, values));
      return this;
    }

    /** A float initializer stored as raw_data, as PyTorch writes them. */
    Graph initRaw(String name, long[] dims, float[] values) {
      graph.addInitializer(rawFloats(name, dims, values));
      return this;
    }

    /** A 1-D int64 initializer (a shape or pads). */
    Graph initInts(String name, long... values) {
      graph.addInitializer(int64s(name, values));
      return this;
    }

    Graph init(TensorProto t) {
      graph.addInitializer(t);
      return this;
    }

    Graph node(String op, String name, String[] in, String[] out, AttributeProto... attrs) {
      graph.addNode(nodeProto(op, name, in, out, attrs));
      return this;
    }

    Graph node(NodeProto n) {
      graph.addNode(n);
      return this;
    }

    Graph output(String name) {
      graph.addOutput(ValueInfoProto.newBuilder().setName(name));
      return this;
    }

    Graph metadata(String key, String value) {
      model.addMetadataProps(StringStringEntryProto.newBuilder().setKey(key).setValue(value));
      return this;
    }

    ModelProto model() {
      return model
          .clone()
          .setIrVersion(8)
          .setProducerName("vigil-tests")
          .setProducerVersion("1")
          .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset))
          .setGraph(graph.clone())
          .build();
    }

    byte[] bytes() {
      return model().toByteArray();
    }

    /** Imports this model with default options on the CPU backend. */
    Model load() throws OnnxFormatException {
      return OnnxImport.read(bytes(), "test.onnx", ImportOptions.defaults(), CPU);
    }
  }

  static String[] ins(String... names) {
    return names;
  }

  static String[] outs(String... names) {
    return names;
  }

  static long[] dims(long... d) {
    return d;
  }

  static NodeProto nodeProto(
      String op, String name, String[] in, String[] out, AttributeProto... attrs) {
    NodeProto.Builder b = NodeProto.newBuilder().setOpType(op).setName(name);
    for (String i : in) {
      b.addInput(i);
    }
    for (String o : out) {
      b.addOutput(o);
    }
    for (AttributeProto a : attrs) {
      b.addAttribute(a);
    }
    return b.build();
  }

  static AttributeProto attr(String name, long value) {
    return AttributeProto.newBuilder().setName(name).setType(AttributeType.INT).setI(value).build();
  }

  static AttributeProto attr(String name, float value) {
    return AttributeProto.newBuilder()
        .setName(name)
        .setType(AttributeType.FLOAT)
        .setF(value)
        .build();
  }

  static AttributeProto attr(String name, String value) {
    return AttributeProto.newBuilder()
        .setName(name)
        .setType(AttributeType.STRING)
        .setS(ByteString.copyFromUtf8(value))
        .build();
  }

  static AttributeProto attr(String name, TensorProto value) {
    return AttributeProto.newBuilder()
        .setName(name)
        .setType(AttributeType.TENSOR)
        .setT(value)
        .build();
  }

  static AttributeProto ints(String name, long... values) {
    AttributeProto.Builder b =
        AttributeProto.newBuilder().setName(name).setType(AttributeType.INTS);
    for (long v : values) {
      b.addInts(v);
    }
    return b.build();
  }

  static TensorProto floats(String name, long[] dims, float[] values) {
    TensorProto.Builder b =
        TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT_VALUE);
    for (long d : dims) {
      b.addDims(d);
    }
    for (float v : values) {
      b.addFloatData(v);
    }
    return b.build();
  }

  static TensorProto rawFloats(String name, long[] dims, float[] values) {
    TensorProto.Builder b =
        TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT_VALUE);
    for (long d : dims) {
      b.addDims(d);
    }
    ByteBuffer buf = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : values) {
      buf.putFloat(v);
    }
    return b.setRawData(ByteString.copyFrom(buf.array())).build();
  }

  static TensorProto int64s(String name, long... values) {
    TensorProto.Builder b =
        TensorProto.newBuilder()
            .setName(name)
            .setDataType(TensorProto.DataType.INT64_VALUE)
            .addDims(values.length);
    for (long v : values) {
      b.addInt64Data(v);
    }
    return b.build();
  }

  static ValueInfoProto valueInfo(String name, int elemType, Object... dims) {
    TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
    for (Object d : dims) {
      if (d instanceof String s) {
        shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimParam(s));
      } else {
        shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(((Number) d).longValue()));
      }
    }
    return ValueInfoProto.newBuilder()
        .setName(name)
        .setType(
            TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(elemType).setShape(shape)))
        .build();
  }

  /** {@code n} values from N(0, scale²). */
  static float[] random(Random random, int n, double scale) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) (scale * random.nextGaussian());
    }
    return v;
  }

  /** Runs {@code network} on {@code input} (images of its input shape) in inference mode. */
  static float[] run(Network network, float[] input) {
    Shape image = network.inputShape();
    int batch = input.length / image.perImage();
    Backend backend = network.backend();
    Tensor x = backend.allocate(image.withBatch(batch));
    backend.upload(input, 0, x, 0, input.length);
    Tensor y = network.forward(x, false);
    float[] out = new float[y.size()];
    backend.download(y, 0, out, 0, out.length);
    return out;
  }

  static float[] run(Model model, float[] input) {
    return run(model.network(), input);
  }

  /** Asserts {@code actual} equals {@code expected} within {@code tol} relative to its scale. */
  static void assertClose(float[] expected, float[] actual, double tol) {
    assertEquals(expected.length, actual.length, "output size");
    double scale = 1e-6;
    for (float e : expected) {
      scale = Math.max(scale, Math.abs(e));
    }
    for (int i = 0; i < expected.length; i++) {
      double err = Math.abs(expected[i] - actual[i]) / scale;
      assertTrue(
          err <= tol,
          "value " + i + ": expected " + expected[i] + " got " + actual[i] + " (rel " + err + ")");
    }
  }

  /**
   * Imports {@code g}, runs it and {@link OnnxReference} on one random batch of the graph's input
   * dims, asserts the outputs agree within 1e-5 (relative to the output's scale) and returns the
   * model.
   */
  static Model check(Graph g, long seed) throws OnnxFormatException {
    Model model = g.load();
    long[] inputDims = g.inputDims();
    int n = 1;
    for (long d : inputDims) {
      n *= (int) d;
    }
    float[] x = random(new Random(seed), n, 1.0);
    float[] expected = OnnxReference.run(g.model(), inputDims, x);
    assertClose(expected, run(model, x), 1e-5);
    return model;
  }

  static List<String> names(int n) {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      names.add(Integer.toString(i));
    }
    return names;
  }
}
