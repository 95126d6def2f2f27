package io.vigil.engine.network;

import io.vigil.engine.layer.BatchNormSpec;
import io.vigil.engine.layer.Conv2dSpec;
import io.vigil.engine.layer.DropoutSpec;
import io.vigil.engine.layer.FlattenSpec;
import io.vigil.engine.layer.LayerSpec;
import io.vigil.engine.layer.LeakyReluSpec;
import io.vigil.engine.layer.LinearSpec;
import io.vigil.engine.layer.ReluSpec;
import io.vigil.engine.layer.SigmoidSpec;
import io.vigil.engine.layer.TanhSpec;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What an inference executor leaves out, in one place for the executor and the memory footprint:
 *
 * <ul>
 *   <li>{@link #foldedInto}: a batch norm and an activation after a convolution or fully connected
 *       node (nothing else reading what they fold) are folded into that layer ({@link
 *       io.vigil.engine.layer.FusesEpilogue}): they are not run and have no buffers of their own;
 *       the producer writes the normalised, activated values into its output, which stands for all
 *       of them.
 *   <li>{@link #views}: a node that only passes its input on at inference (flatten, which reshapes;
 *       dropout, which is off) is not run, and its output is a view of its input's buffer. Dropout
 *       does so only where nothing else reads its input (a training-mode pass would mask it in
 *       place).
 * </ul>
 */
public final class InferenceFusion {

  private InferenceFusion() {}

  /**
   * {@code foldedInto[i]}: the node that applies node i's work at inference, or −1 where node i
   * runs. A batch norm whose one input is a convolution or fully connected node that nothing else
   * reads folds into it; an activation folds into such a node, or into the node its folded batch
   * norm folded into.
   */
  public static int[] foldedInto(NetworkSpec spec) {
    List<NodeSpec> nodes = spec.nodes();
    Map<String, Integer> readers = readers(nodes);
    int[] into = new int[nodes.size()];
    Arrays.fill(into, -1);
    for (int i = 1; i < nodes.size(); i++) {
      NodeSpec node = nodes.get(i);
      NodeSpec before = nodes.get(i - 1);
      if (!node.inputs().equals(List.of(before.name()))
          || readers.getOrDefault(before.name(), 0) != 1) {
        continue;
      }
      boolean producer = takesEpilogue(before.layer());
      if (node.layer() instanceof BatchNormSpec && producer) {
        into[i] = i - 1;
      } else if (isActivation(node.layer())) {
        if (producer) {
          into[i] = i - 1;
        } else if (before.layer() instanceof BatchNormSpec && into[i - 1] >= 0) {
          into[i] = into[i - 1];
        }
      }
    }
    return into;
  }

  /**
   * {@code views[i]}: the node whose output node i's output is a view of at inference, or −1 where
   * node i has a buffer of its own (and runs).
   */
  public static int[] views(NetworkSpec spec) {
    List<NodeSpec> nodes = spec.nodes();
    Map<String, Integer> readers = readers(nodes);
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < nodes.size(); i++) {
      index.put(nodes.get(i).name(), i);
    }
    int[] views = new int[nodes.size()];
    for (int i = 0; i < nodes.size(); i++) {
      NodeSpec node = nodes.get(i);
      Integer from = node.inputs().size() == 1 ? index.get(node.inputs().get(0)) : null;
      boolean passes =
          node.layer() instanceof FlattenSpec
              || (node.layer() instanceof DropoutSpec
                  && from != null
                  && readers.getOrDefault(node.inputs().get(0), 0) == 1);
      views[i] = passes && from != null ? from : -1;
    }
    return views;
  }

  private static Map<String, Integer> readers(List<NodeSpec> nodes) {
    Map<String, Integer> readers = new HashMap<>();
    for (NodeSpec node : nodes) {
      for (String input : node.inputs()) {
        readers.merge(input, 1, Integer::sum);
      }
    }
    return readers;
  }

  private static boolean isActivation(LayerSpec layer) {
    return layer instanceof ReluSpec
        || layer instanceof LeakyReluSpec
        || layer instanceof SigmoidSpec
        || layer instanceof TanhSpec;
  }

  private static boolean takesEpilogue(LayerSpec layer) {
    return layer instanceof Conv2dSpec || layer instanceof LinearSpec;
  }
}
