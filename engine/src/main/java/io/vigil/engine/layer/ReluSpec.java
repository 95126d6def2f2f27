package io.vigil.engine.layer;

import io.vigil.engine.backend.Backend;
import io.vigil.engine.tensor.Shape;

/** The rectifier {@code y = max(0, x)}, elementwise; output shape = input shape. */
public record ReluSpec() implements LayerSpec {

  @Override
  public Shape outputShape(String layerName, Shape input) {
    return input;
  }

  @Override
  public Layer create(String layerName, Shape input, Backend backend) {
    return new Relu(layerName, this, input, backend);
  }
}
