package io.vigil.engine.layer;

import io.vigil.engine.backend.Backend;
import io.vigil.engine.tensor.Shape;

/**
 * Inverted dropout with drop probability {@code p}: in training each value is kept with probability
 * {@code 1 − p} and scaled by {@code 1/(1 − p)}, else zeroed; at inference it is the identity.
 * Output shape = input shape.
 */
public record DropoutSpec(float p) implements LayerSpec {

  public DropoutSpec {
    if (!(p >= 0f && p < 1f)) {
      throw new IllegalArgumentException("dropout: p must be in [0, 1), got " + p);
    }
  }

  @Override
  public Shape outputShape(String layerName, Shape input) {
    return input;
  }

  @Override
  public Layer create(String layerName, Shape input, Backend backend) {
    return new Dropout(layerName, this, input, backend);
  }
}
