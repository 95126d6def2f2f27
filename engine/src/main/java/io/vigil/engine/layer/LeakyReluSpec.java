package io.vigil.engine.layer;

import io.vigil.engine.backend.ActivationKind;
import io.vigil.engine.backend.Backend;
import io.vigil.engine.tensor.Shape;

/** LeakyReLU {@code y = x if x > 0 else α·x}, elementwise; output shape = input shape. */
public record LeakyReluSpec(float alpha) implements LayerSpec {

  public LeakyReluSpec {
    if (!(alpha >= 0f && alpha < 1f)) {
      throw new IllegalArgumentException("leaky relu: α must be in [0, 1), got " + alpha);
    }
  }

  @Override
  public Shape outputShape(String layerName, Shape input) {
    return input;
  }

  @Override
  public Layer create(String layerName, Shape input, Backend backend) {
    return new Activation(layerName, this, input, backend, ActivationKind.LEAKY_RELU, alpha);
  }
}
