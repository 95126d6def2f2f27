package io.vigil.onnx;

import io.vigil.engine.layer.LayerSpec;
import io.vigil.engine.network.NetworkSpec;
import io.vigil.engine.network.NodeSpec;
import io.vigil.engine.tensor.Shape;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The vigil graph as the import builds it: nodes in order with their specs and weights. Nodes stay
 * editable until the end because a later ONNX node may change an earlier one (a bias folded into a
 * Linear or a convolution).
 */
final class NetworkDraft {

  /** No single activation may hold more values per image than this (1 GiB of floats). */
  static final long MAX_VALUES_PER_IMAGE = 1L << 28;

  /** One vigil node: its spec, what it reads, and its tensors by suffix (weight, bias, ...). */
  static final class Node {
    final String name;
    LayerSpec spec;
    List<String> inputs;
    final Map<String, float[]> tensors = new LinkedHashMap<>();
    Shape output;

    Node(String name, LayerSpec spec, List<String> inputs, Shape output) {
      this.name = name;
      this.spec = spec;
      this.inputs = inputs;
      this.output = output;
    }
  }

  private final Shape input;
  private final List<Node> nodes = new ArrayList<>();
  private final Map<String, Node> byName = new HashMap<>();
  private final Set<String> used = new HashSet<>(Set.of(NetworkSpec.INPUT));

  NetworkDraft(Shape input) {
    this.input = input;
  }

  /**
   * Adds {@code spec} reading {@code inputs}; its shape is computed here so a mismatch is reported
   * against the ONNX node that caused it.
   */
  Node add(NodeRef ref, LayerSpec spec, List<Activation> inputs) throws OnnxFormatException {
    String name = uniqueName(ref);
    List<Shape> shapes = inputs.stream().map(Activation::shape).toList();
    Shape out = outputShape(ref, name, spec, shapes);
    if ((long) out.c() * out.h() * out.w() > MAX_VALUES_PER_IMAGE) {
      throw ref.fail("its output " + out + " is larger than vigil allows");
    }
    Node node = new Node(name, spec, inputs.stream().map(Activation::node).toList(), out);
    nodes.add(node);
    byName.put(name, node);
    return node;
  }

  /** The per-image output shape of {@code spec}; the engine's refusal becomes the node's error. */
  static Shape outputShape(NodeRef ref, String name, LayerSpec spec, List<Shape> inputs)
      throws OnnxFormatException {
    try {
      return spec.outputShape(name, inputs);
    } catch (IllegalArgumentException | ArithmeticException e) {
      throw ref.fail(e.getMessage());
    }
  }

  /** The per-image output shape of node {@code name} or of the network input. */
  Shape shapeOf(String name) {
    return name.equals(NetworkSpec.INPUT) ? input : byName.get(name).output;
  }

  /** Removes a node that nothing reads any more. */
  void remove(Node node) {
    nodes.remove(node);
    byName.remove(node.name);
  }

  /** The node named {@code name}, or null for the network input. */
  Node node(String name) {
    return byName.get(name);
  }

  List<Node> nodes() {
    return nodes;
  }

  /** The specs in order, for {@link NetworkSpec}. */
  List<NodeSpec> specs() {
    return nodes.stream().map(n -> new NodeSpec(n.name, n.spec, n.inputs)).toList();
  }

  /**
   * A vigil name for the node: the ONNX name with characters other than letters, digits, '_' and
   * '-' turned into '_' (PyTorch writes {@code /layer1/layer1.0/conv1/Conv}), else the operator and
   * position; made unique. '.' is replaced because vigil names tensors {@code node.weight}.
   */
  private String uniqueName(NodeRef ref) {
    String base = ref.name().replaceAll("[^A-Za-z0-9_-]+", "_").replaceAll("^_+|_+$", "");
    if (base.isEmpty()) {
      base = ref.op() + "_" + ref.index();
    }
    String name = base;
    for (int i = 2; !used.add(name); i++) {
      name = base + "_" + i;
    }
    return name;
  }
}
