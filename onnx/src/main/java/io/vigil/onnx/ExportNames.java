package io.vigil.onnx;

import java.util.HashSet;
import java.util.Set;

/**
 * Unique names in one ONNX namespace. ONNX graphs are in SSA form: a value (node output or
 * initializer) may be defined once. vigil's node names are unique among themselves, but a node
 * called {@code conv1.weight} or {@code logits} would collide with a weight or the graph output, so
 * every name is taken through here and a clash gets a numbered suffix instead of a broken graph.
 */
final class ExportNames {

  private final Set<String> taken = new HashSet<>();

  /** {@code wanted} if free, else {@code wanted_1}, {@code wanted_2}, …; the result is taken. */
  String take(String wanted) {
    String name = wanted;
    for (int i = 1; !taken.add(name); i++) {
      name = wanted + "_" + i;
    }
    return name;
  }
}
