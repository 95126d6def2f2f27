package io.vigil.engine.layer;

import io.vigil.engine.backend.ActivationKind;
import io.vigil.engine.backend.Backend;
import io.vigil.engine.tensor.Shape;

/** The logistic sigmoid {@code y = 1/(1 + e^{−x})}, elementwise; output shape = input shape. */
public record SigmoidSpec() implements LayerSpec {

  @Override
  public Shape outputShape(String layerName, Shape input) {
    return input;
  }

  @Override
  public Layer create(String layerName, Shape input, Backend backend) {
    return new Activation(layerName, this, input, backend, ActivationKind.SIGMOID, 0f);
  }
}
