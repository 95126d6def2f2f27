package io.vigil.engine.layer;

import io.vigil.engine.backend.Backend;
import io.vigil.engine.tensor.Shape;
import java.util.List;

/** Elementwise sum of inputs of the same shape (residual addition); output shape = input shape. */
public record AddSpec() implements LayerSpec {

  @Override
  public Shape outputShape(String layerName, Shape input) {
    return input;
  }

  @Override
  public Shape outputShape(String layerName, List<Shape> inputs) {
    Shape first = inputs.get(0);
    for (Shape s : inputs) {
      if (!s.equals(first)) {
        throw new IllegalArgumentException(
            layerName
                + ": addition needs inputs of one shape, got "
                + inputs.stream().map(Shape::toString).toList());
      }
    }
    return first;
  }

  @Override
  public Layer create(String layerName, Shape input, Backend backend) {
    return create(layerName, List.of(input), backend);
  }

  @Override
  public Layer create(String layerName, List<Shape> inputs, Backend backend) {
    return new Add(layerName, this, inputs, backend);
  }
}
