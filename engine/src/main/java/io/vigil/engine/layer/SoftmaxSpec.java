package io.vigil.engine.layer;

import io.vigil.engine.backend.Backend;
import io.vigil.engine.tensor.Shape;

/**
 * Softmax over all {@code C·H·W} values of each image, {@code p = e^{x − max} / Σ e^{x − max}}, as
 * the last layer of an inference graph (training uses the fused softmax cross-entropy loss on the
 * logits instead). Output shape = input shape.
 */
public record SoftmaxSpec() implements LayerSpec {

  @Override
  public Shape outputShape(String layerName, Shape input) {
    return input;
  }

  @Override
  public Layer create(String layerName, Shape input, Backend backend) {
    return new Softmax(layerName, this, input, backend);
  }
}
