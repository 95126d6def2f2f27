package io.vigil.engine.zoo;

import io.vigil.engine.layer.LayerSpec;
import io.vigil.engine.network.NetworkSpec;
import io.vigil.engine.network.NodeSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a {@link NetworkSpec} node by node without allocating anything, so that the zoo can
 * describe a 138M-parameter network (for its summary) as cheaply as a small one.
 */
final class GraphBuilder {

  private final int channels;
  private final int height;
  private final int width;
  private final List<NodeSpec> nodes = new ArrayList<>();

  GraphBuilder(int channels, int height, int width) {
    this.channels = channels;
    this.height = height;
    this.width = width;
  }

  /** Adds a node reading the previous one (or the input); returns its name. */
  String add(String name, LayerSpec layer) {
    return add(name, layer, last());
  }

  /** Adds a node reading the named nodes; returns its name. */
  String add(String name, LayerSpec layer, String... inputs) {
    nodes.add(new NodeSpec(name, layer, List.of(inputs)));
    return name;
  }

  /** The most recent node's name, or the network input. */
  String last() {
    return nodes.isEmpty() ? NetworkSpec.INPUT : nodes.get(nodes.size() - 1).name();
  }

  NetworkSpec build() {
    return new NetworkSpec(channels, height, width, nodes);
  }
}
