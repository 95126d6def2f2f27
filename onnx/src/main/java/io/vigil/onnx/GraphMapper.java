package io.vigil.onnx;

import io.vigil.engine.layer.LayerSpec;
import io.vigil.engine.network.NetworkSpec;
import io.vigil.engine.tensor.Shape;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import onnx.Onnx.GraphProto;
import onnx.Onnx.NodeProto;
import onnx.Onnx.TensorProto;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Maps an ONNX graph onto a {@link NetworkDraft}: nodes in dependency order, each ONNX value bound
 * to an {@link Activation} (computed by a vigil node), a {@link Constant} (from the file) or a
 * {@link Padded} activation waiting for the window that absorbs its padding. The operator mappings
 * live in {@link ConvOps}, {@link PoolOps}, {@link DenseOps}, {@link ShapeOps} and {@link NormOps};
 * this class holds what they share.
 */
final class GraphMapper {

  static final Logger LOG = LoggerFactory.getLogger(OnnxImport.class);

  private final String file;
  private final int opset;
  private final NetworkDraft draft;
  private final Map<String, Integer> readers = new HashMap<>();
  private final Map<String, Object> values = new HashMap<>();
  private final Map<String, Integer> uses = new HashMap<>();
  private final Set<String> graphOutputs = new HashSet<>();
  private final long batch;

  private GraphMapper(String file, int opset, long batch, Shape input) {
    this.draft = new NetworkDraft(input);
    this.file = file;
    this.opset = opset;
    this.batch = batch;
  }

  /** The graph input's batch size, or -1 when symbolic. */
  long batch() {
    return batch;
  }

  String file() {
    return file;
  }

  int opset() {
    return opset;
  }

  NetworkDraft draft() {
    return draft;
  }

  /** The result of a mapping: the draft and the activation the graph outputs. */
  record Result(NetworkDraft draft, Activation output) {}

  /**
   * Maps {@code graph}, whose network input {@code inputName} has the per-image shape {@code input}
   * and {@code batch} images (-1: symbolic).
   */
  static Result map(
      String file, int opset, GraphProto graph, String inputName, Shape input, long batch)
      throws OnnxFormatException {
    GraphMapper g = new GraphMapper(file, opset, batch, input);
    return g.run(graph, inputName, input);
  }

  private Result run(GraphProto graph, String inputName, Shape input) throws OnnxFormatException {
    if (graph.getOutputCount() != 1) {
      throw new OnnxFormatException(
          file
              + ": the graph has "
              + graph.getOutputCount()
              + " outputs; vigil models have one (the logits)");
    }
    String outputName = graph.getOutput(0).getName();
    graphOutputs.add(outputName);
    values.put(inputName, new Activation(NetworkSpec.INPUT, input, 4, false, false, false));
    for (TensorProto t : graph.getInitializerList()) {
      if (t.getName().isEmpty()) {
        throw new OnnxFormatException(file + ": an initializer has no name");
      }
      if (values.containsKey(t.getName())) {
        throw new OnnxFormatException(
            file + ": initializer '" + t.getName() + "' is defined twice or is the input");
      }
      values.put(t.getName(), TensorValues.read(t, file + ": initializer '" + t.getName() + "'"));
    }
    List<NodeProto> nodes = graph.getNodeList();
    List<NodeRef> refs = new ArrayList<>();
    for (int i = 0; i < nodes.size(); i++) {
      refs.add(new NodeRef(file, nodes.get(i).getName(), nodes.get(i).getOpType(), opset, i));
    }
    List<Integer> order = NodeOrder.sort(file, nodes, refs, values.keySet());
    Set<Integer> needed = needed(nodes, outputName);
    // Readers are counted among the nodes that are mapped: one left out does not read anything.
    for (int i : needed) {
      for (String in : nodes.get(i).getInputList()) {
        uses.merge(in, 1, Integer::sum);
      }
    }
    uses.merge(outputName, 1, Integer::sum);
    if (needed.size() < nodes.size()) {
      LOG.info(
          "{}: {} node(s) do not contribute to the output {} and are left out",
          file,
          nodes.size() - needed.size(),
          outputName);
    }
    for (int i : order) {
      if (needed.contains(i)) {
        mapNode(nodes.get(i), refs.get(i));
      }
    }
    Object out = values.get(outputName);
    if (!(out instanceof Activation act) || act.node().equals(NetworkSpec.INPUT)) {
      throw new OnnxFormatException(
          file + ": the graph output '" + outputName + "' is not computed by any layer");
    }
    List<NetworkDraft.Node> all = draft.nodes();
    if (!all.get(all.size() - 1).name.equals(act.node())) {
      throw new OnnxFormatException(
          file + ": the graph output '" + outputName + "' is not the last layer's output");
    }
    return new Result(draft, act);
  }

  /** The nodes the graph output depends on. */
  private static Set<Integer> needed(List<NodeProto> nodes, String outputName) {
    Map<String, Integer> producer = new HashMap<>();
    for (int i = 0; i < nodes.size(); i++) {
      for (String o : nodes.get(i).getOutputList()) {
        producer.put(o, i);
      }
    }
    Set<Integer> needed = new HashSet<>();
    Deque<String> todo = new ArrayDeque<>(List.of(outputName));
    while (!todo.isEmpty()) {
      Integer p = producer.get(todo.poll());
      if (p != null && needed.add(p)) {
        todo.addAll(nodes.get(p).getInputList());
      }
    }
    return needed;
  }

  private void mapNode(NodeProto n, NodeRef ref) throws OnnxFormatException {
    Attributes a = new Attributes(ref, n);
    switch (n.getOpType()) {
      case "Conv" -> ConvOps.conv(this, n, a);
      case "ConvTranspose" -> ConvOps.convTranspose(this, n, a);
      case "MaxPool" -> PoolOps.maxPool(this, n, a);
      case "AveragePool" -> PoolOps.averagePool(this, n, a);
      case "GlobalAveragePool" -> PoolOps.globalAveragePool(this, n, a);
      case "Gemm" -> DenseOps.gemm(this, n, a);
      case "MatMul" -> DenseOps.matMul(this, n, a);
      case "Add" -> DenseOps.add(this, n, a);
      case "Relu", "LeakyRelu", "Sigmoid", "Tanh" -> NormOps.activation(this, n, a);
      case "BatchNormalization" -> NormOps.batchNorm(this, n, a);
      case "LRN" -> NormOps.lrn(this, n, a);
      case "Dropout" -> NormOps.dropout(this, n, a);
      case "Flatten" -> ShapeOps.flatten(this, n, a);
      case "Reshape" -> ShapeOps.reshape(this, n, a);
      case "Concat" -> ShapeOps.concat(this, n, a);
      case "Identity" -> ShapeOps.identity(this, n, a);
      case "Softmax" -> ShapeOps.softmax(this, n, a);
      case "Pad" -> ShapeOps.pad(this, n, a);
      case "Constant" -> ShapeOps.constant(this, n, a);
      case "Shape" -> ShapeArithmetic.shape(this, n, a);
      case "Gather" -> ShapeArithmetic.gather(this, n, a);
      case "Unsqueeze" -> ShapeArithmetic.unsqueeze(this, n, a);
      default -> throw ref.fail("operator " + n.getOpType() + " is not supported by vigil");
    }
  }

  /** Number of mapped nodes that read {@code name}, plus one if it is the graph output. */
  int uses(String name) {
    return uses.getOrDefault(name, 0);
  }

  boolean isGraphOutput(String name) {
    return graphOutputs.contains(name);
  }

  /** Whatever input {@code i} is bound to, or null when the node leaves the optional input out. */
  Object input(NodeProto n, int i) {
    if (i >= n.getInputCount() || n.getInput(i).isEmpty()) {
      return null;
    }
    return values.get(n.getInput(i));
  }

  /** Input {@code i}, which must be an activation (not a constant, not a pending Pad). */
  Activation activation(NodeRef ref, NodeProto n, int i) throws OnnxFormatException {
    Object v = input(n, i);
    if (v instanceof Activation act) {
      return act;
    }
    if (v instanceof Padded p) {
      throw ref.fail(
          "reads '"
              + n.getInput(i)
              + "', the output of "
              + p.pad().label()
              + "; vigil folds a Pad only into a following Conv, MaxPool or AveragePool");
    }
    throw ref.fail(
        "input "
            + i
            + (v == null
                ? " is missing"
                : " ('" + n.getInput(i) + "') must be computed, not a constant"));
  }

  /** Input {@code i} as an activation whose padding the caller takes over (zero when none). */
  Padded windowInput(NodeRef ref, NodeProto n, int i) throws OnnxFormatException {
    Object v = input(n, i);
    if (v instanceof Padded p) {
      return p;
    }
    return new Padded(activation(ref, n, i), 0, 0, ref);
  }

  /**
   * Input {@code i}, which must be a constant (initializer or Constant output), or null if absent.
   */
  Constant constant(NodeRef ref, NodeProto n, int i, boolean required) throws OnnxFormatException {
    Object v = input(n, i);
    if (v == null && !required) {
      return null;
    }
    if (v instanceof Constant c) {
      return c;
    }
    throw ref.fail(
        "input "
            + i
            + (v == null
                ? " is missing"
                : " ('" + n.getInput(i) + "') must be an initializer or a Constant"));
  }

  /** A float constant of the given dims (a weight or a bias). */
  Constant floats(NodeRef ref, NodeProto n, int i, boolean required, String role)
      throws OnnxFormatException {
    Constant c = constant(ref, n, i, required);
    if (c != null && !c.isFloat()) {
      throw ref.fail(role + " '" + n.getInput(i) + "' must hold floats");
    }
    return c;
  }

  /** Binds output {@code i} of {@code n} to {@code value}. */
  void define(NodeProto n, int i, Object value) {
    if (i < n.getOutputCount() && !n.getOutput(i).isEmpty()) {
      values.put(n.getOutput(i), value);
      if (value instanceof Activation a) {
        readers.merge(a.node(), uses(n.getOutput(i)), Integer::sum);
      }
    }
  }

  /**
   * How many ONNX reads reach vigil node {@code node} through the names bound to it (an alias
   * counts as a reader too, so this never undercounts).
   */
  int readers(String node) {
    return readers.getOrDefault(node, 0);
  }

  /** Refuses a node whose outputs from {@code from} on are read: vigil computes only the first. */
  void requireUnused(NodeRef ref, NodeProto n, int from) throws OnnxFormatException {
    for (int i = from; i < n.getOutputCount(); i++) {
      String o = n.getOutput(i);
      if (!o.isEmpty() && uses(o) > 0) {
        throw ref.fail(
            "output "
                + i
                + " ('"
                + o
                + "') is read, but vigil computes only the operator's first output");
      }
    }
  }

  /** Adds a vigil node and binds the ONNX node's first output to it. */
  NetworkDraft.Node emit(
      NodeRef ref,
      NodeProto n,
      LayerSpec spec,
      List<Activation> inputs,
      int rank,
      boolean nonNegative,
      boolean raw)
      throws OnnxFormatException {
    NetworkDraft.Node node = draft.add(ref, spec, inputs);
    define(n, 0, new Activation(node.name, node.output, rank, nonNegative, raw, false));
    return node;
  }

  /** Binds the first output to an existing activation (no vigil node). */
  void alias(NodeProto n, Activation source, String sourceName) {
    define(n, 0, source.alias(uses(sourceName) > 1));
  }
}
