package io.vigil.onnx;

import io.vigil.engine.layer.StateTensor;
import io.vigil.engine.network.Network;
import java.util.List;

/**
 * Moves the draft's tensors into a built network, as {@code ModelFile} does from a model file:
 * every tensor the network saves ({@code node.weight}, {@code node.bias}, {@code
 * node.running_mean}, ...) must have its values, of its size. Each is dropped from the draft once
 * uploaded.
 */
final class Weights {

  private Weights() {}

  static void load(String file, NetworkDraft draft, Network network) throws OnnxFormatException {
    List<StateTensor> tensors = network.savedTensors();
    for (StateTensor t : tensors) {
      int dot = t.name().indexOf('.');
      NetworkDraft.Node node = draft.node(t.name().substring(0, dot));
      float[] values = node == null ? null : node.tensors.get(t.name().substring(dot + 1));
      int size = t.value().shape().size();
      if (values == null || values.length != size) {
        // The mappings set every tensor their layer has; reaching here is a mapping error.
        throw new OnnxFormatException(
            file
                + ": vigil tensor "
                + t.name()
                + " "
                + t.value().shape()
                + (values == null ? " has no values" : " got " + values.length + " values"));
      }
      network.backend().upload(values, 0, t.value(), 0, size);
      // Let the copy go as soon as the network holds it: with VGG-sized layers every copy counts.
      node.tensors.remove(t.name().substring(dot + 1));
    }
  }
}
