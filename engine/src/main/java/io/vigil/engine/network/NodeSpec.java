package io.vigil.engine.network;

import io.vigil.engine.layer.LayerSpec;
import java.util.List;
import java.util.Objects;

/**
 * One named node of a network graph: a layer and the names of the nodes it reads ({@link
 * NetworkSpec#INPUT} for the network input). Single-input layers have one name; concatenation and
 * residual addition take several.
 */
public record NodeSpec(String name, LayerSpec layer, List<String> inputs) {

  public NodeSpec {
    Objects.requireNonNull(name, "node name");
    Objects.requireNonNull(layer, "layer spec of node " + name);
    inputs = List.copyOf(inputs);
    if (name.isBlank() || name.equals(NetworkSpec.INPUT)) {
      throw new IllegalArgumentException(
          "node name must be non-blank and not '" + NetworkSpec.INPUT + "', got '" + name + "'");
    }
    if (inputs.isEmpty()) {
      throw new IllegalArgumentException("node " + name + " reads no input");
    }
  }
}
