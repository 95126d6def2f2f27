package io.vigil.engine.network;

import io.vigil.engine.tensor.Shape;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A network's graph as written in model files: the per-image input {@code channels × height ×
 * width} and the nodes in an order where every node comes after the nodes it reads. The last node
 * is the output (logits).
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
    Set<String> consumed = new HashSet<>();
    defined.add(INPUT);
    for (NodeSpec node : nodes) {
      for (String in : node.inputs()) {
        if (!defined.contains(in)) {
          throw new IllegalArgumentException(
              "node " + node.name() + " reads '" + in + "', which is not defined before it");
        }
        if (!consumed.add(in)) {
          throw new IllegalArgumentException(
              "node "
                  + node.name()
                  + " reads '"
                  + in
                  + "', which another node already reads;"
                  + " fan-out is not supported yet");
        }
      }
      if (node.inputs().size() != 1) {
        throw new IllegalArgumentException(
            "node "
                + node.name()
                + " reads "
                + node.inputs().size()
                + " inputs; only single-input layers are supported yet");
      }
      if (!defined.add(node.name())) {
        throw new IllegalArgumentException("node name " + node.name() + " is used twice");
      }
    }
  }

  /** The per-image input shape. */
  public Shape inputShape() {
    return Shape.image(channels, height, width);
  }
}
