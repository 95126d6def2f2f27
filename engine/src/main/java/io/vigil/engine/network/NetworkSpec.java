package io.vigil.engine.network;

import io.vigil.engine.tensor.Shape;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A network's graph as written in model files: the per-image input {@code channels × height ×
 * width} and the nodes in an order where every node comes after the nodes it reads (a topological
 * order of the DAG). A node may read several nodes (concatenation, addition) and be read by several
 * (a branch point). The last node is the output (logits).
 */
public record NetworkSpec(int channels, int height, int width, List<NodeSpec> nodes) {

  /** The name by which a node reads the network input. */
  public static final String INPUT = "input";

  public NetworkSpec {
    nodes = List.copyOf(nodes);
    if (nodes.isEmpty()) {
      throw new IllegalArgumentException("network has no layers");
    }
    Set<String> defined = new HashSet<>();
    defined.add(INPUT);
    for (NodeSpec node : nodes) {
      for (String in : node.inputs()) {
        if (!defined.contains(in)) {
          throw new IllegalArgumentException(
              "node " + node.name() + " reads '" + in + "', which is not defined before it");
        }
      }
      if (!defined.add(node.name())) {
        throw new IllegalArgumentException("node name " + node.name() + " is used twice");
      }
    }
  }

  /**
   * The per-image output shape of every node, by name ({@link #INPUT} included), computed from the
   * specs alone (no parameters are allocated); throws naming the first impossible layer.
   */
  public Map<String, Shape> shapes() {
    Map<String, Shape> shapes = new LinkedHashMap<>();
    shapes.put(INPUT, inputShape());
    for (NodeSpec node : nodes) {
      List<Shape> in = node.inputs().stream().map(shapes::get).toList();
      shapes.put(node.name(), node.layer().outputShape(node.name(), in));
    }
    return shapes;
  }

  /** The per-image shape of the last node (the network output), from the specs alone. */
  public Shape outputShape() {
    Map<String, Shape> shapes = shapes();
    return shapes.get(nodes.get(nodes.size() - 1).name());
  }

  /** The per-image input shape. */
  public Shape inputShape() {
    return Shape.image(channels, height, width);
  }
}
