package io.vigil.engine.layer;

import io.vigil.engine.backend.Backend;
import io.vigil.engine.tensor.Shape;

/**
 * A fully connected layer: {@code y = W·x + b} with {@code x} the {@code C·H·W} input values of an
 * image, {@code W} of {@code outputs × C·H·W}, {@code b} of {@code outputs}. Output {@code outputs
 * × 1 × 1}.
 */
public record LinearSpec(int outputs) implements LayerSpec {

  public LinearSpec {
    if (outputs < 1) {
      throw new IllegalArgumentException("linear: outputs must be ≥ 1, got " + outputs);
    }
  }

  @Override
  public Shape outputShape(String layerName, Shape input) {
    return new Shape(input.n(), outputs, 1, 1);
  }

  @Override
  public Layer create(String layerName, Shape input, Backend backend) {
    return new Linear(layerName, this, input, backend);
  }
}
