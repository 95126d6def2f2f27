package io.vigil.engine.network;

import io.vigil.engine.layer.Conv2dSpec;
import io.vigil.engine.layer.FlattenSpec;
import io.vigil.engine.layer.LayerSpec;
import io.vigil.engine.layer.LinearSpec;
import io.vigil.engine.layer.StateTensor;
import io.vigil.engine.tensor.Shape;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Converts a trained network's fully connected head into convolutions (CS231n, "converting FC
 * layers to CONV layers"), so that a larger frame is scored at every window in one forward pass.
 * Every {@link FlattenSpec} node is dropped (its readers read what it read), and every {@link
 * LinearSpec} of {@code O} outputs whose unflattened input is {@code C × h × w} becomes a {@link
 * Conv2dSpec} of {@code O} filters of {@code h × w}, stride 1, no padding: the first one spans the
 * whole feature map the original head saw, later ones ({@code O' × 1 × 1} inputs) are 1×1. The
 * weights carry over unchanged, since a linear layer's {@code O × (C·h·w)} matrix in NCHW order is
 * exactly the convolution's {@code O × C × h × w} kernel.
 *
 * <p>On a {@code H × W} input, output position {@code (i, j)} of the converted network is the
 * original network's output on the window at {@code (i·S, j·S)} of the original input size, where
 * {@code S} is the product of the strides before the head (224 → 384 with {@code S = 32} gives a
 * 6×6 score map).
 */
public final class FullyConnectedToConv {

  private FullyConnectedToConv() {}

  /** The converted graph for {@code channels × height × width} inputs (no weights). */
  public static NetworkSpec convertSpec(NetworkSpec spec, int height, int width) {
    Map<String, Shape> shapes = spec.shapes();
    Map<String, String> renamed = new HashMap<>();
    // The unflattened shape each node's output had in the original network.
    Map<String, Shape> unflattened = new HashMap<>(shapes);
    List<NodeSpec> nodes = new ArrayList<>();
    for (NodeSpec node : spec.nodes()) {
      List<String> inputs = node.inputs().stream().map(n -> renamed.getOrDefault(n, n)).toList();
      LayerSpec layer = node.layer();
      if (layer instanceof FlattenSpec) {
        renamed.put(node.name(), inputs.get(0));
        unflattened.put(node.name(), unflattened.get(node.inputs().get(0)));
        continue;
      }
      if (layer instanceof LinearSpec linear) {
        Shape in = unflattened.get(node.inputs().get(0));
        layer = new Conv2dSpec(linear.outputs(), in.h(), in.w(), 1, 1, 0, 0);
      }
      nodes.add(new NodeSpec(node.name(), layer, inputs));
    }
    return new NetworkSpec(spec.channels(), height, width, nodes);
  }

  /**
   * A network for {@code height × width} inputs on the same backend that computes, at each output
   * position, what {@code trained} computes on the corresponding window; weights and state are
   * copied.
   */
  public static Network convert(Network trained, int height, int width) {
    Network converted =
        Network.fromSpec(convertSpec(trained.spec(), height, width), trained.backend());
    List<StateTensor> from = trained.savedTensors();
    List<StateTensor> to = converted.savedTensors();
    if (from.size() != to.size()) {
      throw new IllegalStateException(
          "conversion changed the number of tensors: " + from.size() + " → " + to.size());
    }
    for (int i = 0; i < from.size(); i++) {
      StateTensor a = from.get(i);
      StateTensor b = to.get(i);
      if (a.value().size() != b.value().size() || !a.name().equals(b.name())) {
        throw new IllegalStateException(
            "conversion: tensor " + a.name() + " does not match " + b.name());
      }
      float[] values = new float[a.value().size()];
      trained.backend().download(a.value(), 0, values, 0, values.length);
      converted.backend().upload(values, 0, b.value(), 0, values.length);
    }
    return converted;
  }
}
