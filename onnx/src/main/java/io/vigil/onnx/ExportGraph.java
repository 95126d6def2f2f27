package io.vigil.onnx;

import io.vigil.engine.backend.Backend;
import io.vigil.engine.layer.Layer;
import io.vigil.engine.layer.Parameter;
import io.vigil.engine.layer.StateTensor;
import io.vigil.engine.model.Model;
import io.vigil.engine.network.Network;
import io.vigil.engine.network.NetworkSpec;
import io.vigil.engine.network.NodeSpec;
import io.vigil.engine.tensor.Shape;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import onnx.Onnx.AttributeProto;
import onnx.Onnx.GraphProto;
import onnx.Onnx.NodeProto;
import onnx.Onnx.TensorProto;
import onnx.Onnx.TensorShapeProto;
import onnx.Onnx.TypeProto;
import onnx.Onnx.ValueInfoProto;

/**
 * Builds the ONNX graph of a model's network as its {@link NetworkSpec} is written (not the fused
 * inference graph the engine runs): one or a few ONNX nodes per vigil node, in the spec's
 * topological order, every parameter and running statistic an initializer named as in vigil's model
 * files ({@code conv1.weight}, {@code bn1.running_var}).
 *
 * <p>vigil keeps every activation {@code N × C × H × W}; ONNX's Gemm gives {@code N × K}. Each
 * exported value therefore carries its rank (4, or 2 after Flatten/Gemm), and operators that need
 * images get a Reshape back to {@code N × C × 1 × 1} when fed a flat value. The graph has one
 * input, {@code input} ({@code batch × C × H × W}, batch symbolic), and one output, {@code logits}
 * ({@code batch × classes}).
 */
final class ExportGraph {

  /** The graph input; the same name vigil's nodes use for the network input. */
  static final String INPUT = NetworkSpec.INPUT;

  /** The graph output: the last node's values, flattened to {@code batch × classes}. */
  static final String OUTPUT = "logits";

  /** The symbolic batch dimension of input and output. */
  static final String BATCH = "batch";

  /** An exported value: its ONNX name and rank (4 = {@code N×C×H×W}, 2 = {@code N×K}). */
  record Value(String name, int rank) {}

  private final Model model;
  private final Network network;
  private final Backend backend;
  private final GraphProto.Builder graph = GraphProto.newBuilder();
  private final ExportNames values = new ExportNames();
  private final ExportNames nodeNames = new ExportNames();

  private ExportGraph(Model model) {
    this.model = model;
    this.network = model.network();
    this.backend = network.backend();
    values.take(INPUT);
    values.take(OUTPUT);
  }

  /** The ONNX graph of {@code model}; a layer ONNX cannot express exactly is refused. */
  static GraphProto build(Model model) throws OnnxFormatException {
    return new ExportGraph(model).build();
  }

  private GraphProto build() throws OnnxFormatException {
    NetworkSpec spec = network.spec();
    Map<String, Shape> shapes = spec.shapes();
    Map<String, Value> exported = new HashMap<>();
    exported.put(INPUT, new Value(INPUT, 4));
    List<Layer> layers = network.layers();
    Value last = null;
    for (int i = 0; i < spec.nodes().size(); i++) {
      NodeSpec node = spec.nodes().get(i);
      List<Value> inputs = node.inputs().stream().map(exported::get).toList();
      List<Shape> inputShapes = node.inputs().stream().map(shapes::get).toList();
      last = ExportLayers.emit(this, node, layers.get(i), inputs, inputShapes);
      exported.put(node.name(), last);
    }
    Shape out = shapes.get(spec.nodes().get(spec.nodes().size() - 1).name());
    finish(last, out);
    graph.setName(model.name());
    graph.addInput(valueInfo(INPUT, spec.channels(), spec.height(), spec.width()));
    graph.addOutput(valueInfo(OUTPUT, out.perImage()));
    return graph.build();
  }

  /**
   * Names the last value {@code logits}: a flat one by renaming its producer's output (nothing else
   * reads the last node), an image by a Flatten, so readers get {@code batch × classes} either way.
   */
  private void finish(Value last, Shape out) {
    if (last.rank() == 2) {
      for (int n = graph.getNodeCount() - 1; n >= 0; n--) {
        NodeProto.Builder producer = graph.getNodeBuilder(n);
        for (int o = 0; o < producer.getOutputCount(); o++) {
          if (producer.getOutput(o).equals(last.name())) {
            producer.setOutput(o, OUTPUT);
            return;
          }
        }
      }
      throw new IllegalStateException("no node produces the last value " + last.name());
    }
    graph.addNode(
        NodeProto.newBuilder()
            .setName(nodeNames.take(OUTPUT + "_flatten"))
            .setOpType("Flatten")
            .addInput(last.name())
            .addOutput(OUTPUT)
            .addAttribute(ExportAttributes.integer("axis", 1)));
  }

  /**
   * Adds node {@code op} named after {@code hint} reading {@code inputs}; returns the name of its
   * one output, also named after {@code hint}.
   */
  String node(String op, String hint, List<String> inputs, AttributeProto... attributes) {
    String output = values.take(hint);
    graph.addNode(
        NodeProto.newBuilder()
            .setName(nodeNames.take(hint))
            .setOpType(op)
            .addAllInput(inputs)
            .addOutput(output)
            .addAllAttribute(Arrays.asList(attributes)));
    return output;
  }

  /**
   * The initializer for parameter or state tensor {@code layer.name() + "." + suffix} with the
   * given dims (vigil stores vectors as {@code 1 × C × 1 × 1}; ONNX wants {@code [C]}).
   */
  String weight(Layer layer, String suffix, long... dims) {
    String wanted = layer.name() + "." + suffix;
    for (Parameter p : layer.parameters()) {
      if (p.name().equals(wanted)) {
        return initializer(ExportTensors.floats(values.take(wanted), dims, p.value(), backend));
      }
    }
    for (StateTensor s : layer.state()) {
      if (s.name().equals(wanted)) {
        return initializer(ExportTensors.floats(values.take(wanted), dims, s.value(), backend));
      }
    }
    throw new IllegalStateException(
        "layer " + layer.name() + " has no tensor " + wanted + " to export");
  }

  /** A float32 scalar initializer named after {@code hint}. */
  String scalar(String hint, float value) {
    return initializer(ExportTensors.scalar(values.take(hint), value));
  }

  /** An int64 vector initializer named after {@code hint}. */
  String int64s(String hint, long... data) {
    return initializer(ExportTensors.int64s(values.take(hint), data));
  }

  private String initializer(TensorProto tensor) {
    graph.addInitializer(tensor);
    return tensor.getName();
  }

  /** {@code v} as {@code N × (C·H·W)}: itself if flat, else through a Flatten (axis 1). */
  Value flat(Value v, String hint) {
    if (v.rank() == 2) {
      return v;
    }
    return new Value(
        node("Flatten", hint, List.of(v.name()), ExportAttributes.integer("axis", 1)), 2);
  }

  /**
   * {@code v} as an image {@code N × C × H × W} of per-image {@code shape}: itself if it is one,
   * else a Reshape of the flat {@code N × C} (vigil's {@code C × 1 × 1}) to four dimensions.
   */
  Value image(Value v, Shape shape, String hint) {
    if (v.rank() == 4) {
      return v;
    }
    return reshape(v, shape, hint);
  }

  /** A Reshape of {@code v} to {@code N × C × H × W}; the batch stays free ({@code -1}). */
  Value reshape(Value v, Shape shape, String hint) {
    String target = int64s(hint + ".shape", -1, shape.c(), shape.h(), shape.w());
    return new Value(node("Reshape", hint, List.of(v.name(), target)), 4);
  }

  /** The model being exported, for messages. */
  Model model() {
    return model;
  }

  /** A float tensor type with symbolic batch and the given fixed dimensions after it. */
  private static ValueInfoProto valueInfo(String name, int... dims) {
    TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
    shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimParam(BATCH));
    for (int d : dims) {
      shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
    }
    return ValueInfoProto.newBuilder()
        .setName(name)
        .setType(
            TypeProto.newBuilder()
                .setTensorType(
                    TypeProto.Tensor.newBuilder()
                        .setElemType(TensorProto.DataType.FLOAT_VALUE)
                        .setShape(shape)))
        .build();
  }
}
