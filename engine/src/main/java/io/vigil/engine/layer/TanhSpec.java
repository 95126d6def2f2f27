package io.vigil.engine.layer;

import io.vigil.engine.backend.ActivationKind;
import io.vigil.engine.backend.Backend;
import io.vigil.engine.tensor.Shape;

/** The hyperbolic tangent {@code y = tanh x}, elementwise; output shape = input shape. */
public record TanhSpec() implements LayerSpec {

  @Override
  public Shape outputShape(String layerName, Shape input) {
    return input;
  }

  @Override
  public Layer create(String layerName, Shape input, Backend backend) {
    return new Activation(layerName, this, input, backend, ActivationKind.TANH, 0f);
  }
}
