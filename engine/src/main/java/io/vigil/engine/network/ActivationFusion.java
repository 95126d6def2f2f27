package io.vigil.engine.network;

import io.vigil.engine.layer.Conv2dSpec;
import io.vigil.engine.layer.LayerSpec;
import io.vigil.engine.layer.LeakyReluSpec;
import io.vigil.engine.layer.LinearSpec;
import io.vigil.engine.layer.ReluSpec;
import io.vigil.engine.layer.SigmoidSpec;
import io.vigil.engine.layer.TanhSpec;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which activation nodes an inference executor folds into the layer before them ({@link
 * io.vigil.engine.layer.FusesActivation}): an activation whose one input is a convolution or fully
 * connected node that nothing else reads. Such an activation is not run and has no buffer of its
 * own: the producer writes the activated values into its output, which stands for both nodes. One
 * rule, used by the executor and by the memory footprint.
 */
public final class ActivationFusion {

  private ActivationFusion() {}

  /** {@code folded[i]}: node i is an activation folded into node i − 1 at inference. */
  public static boolean[] folded(NetworkSpec spec) {
    List<NodeSpec> nodes = spec.nodes();
    Map<String, Integer> readers = new HashMap<>();
    for (NodeSpec node : nodes) {
      for (String input : node.inputs()) {
        readers.merge(input, 1, Integer::sum);
      }
    }
    boolean[] folded = new boolean[nodes.size()];
    for (int i = 1; i < nodes.size(); i++) {
      NodeSpec node = nodes.get(i);
      NodeSpec before = nodes.get(i - 1);
      folded[i] =
          isActivation(node.layer())
              && node.inputs().equals(List.of(before.name()))
              && takesActivation(before.layer())
              && readers.getOrDefault(before.name(), 0) == 1;
    }
    return folded;
  }

  private static boolean isActivation(LayerSpec layer) {
    return layer instanceof ReluSpec
        || layer instanceof LeakyReluSpec
        || layer instanceof SigmoidSpec
        || layer instanceof TanhSpec;
  }

  private static boolean takesActivation(LayerSpec layer) {
    return layer instanceof Conv2dSpec || layer instanceof LinearSpec;
  }
}
