package io.vigil.engine.layer;

import io.vigil.engine.backend.Backend;
import io.vigil.engine.tensor.Shape;

/** Reshapes {@code C × H × W} to {@code (C·H·W) × 1 × 1}; values and their order are unchanged. */
public record FlattenSpec() implements LayerSpec {

  @Override
  public Shape outputShape(String layerName, Shape input) {
    return new Shape(input.n(), input.perImage(), 1, 1);
  }

  @Override
  public Layer create(String layerName, Shape input, Backend backend) {
    return new Flatten(layerName, this, input, backend);
  }
}
