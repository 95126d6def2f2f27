package io.vigil.engine.layer;

import io.vigil.engine.backend.Backend;
import io.vigil.engine.tensor.Shape;
import java.util.List;

/**
 * Concatenates its inputs along channels, in the order the node lists them: {@code C_k × H × W}
 * (every input of the same {@code H × W}) give {@code (Σ C_k) × H × W}.
 */
public record ConcatSpec() implements LayerSpec {

  @Override
  public Shape outputShape(String layerName, Shape input) {
    return input;
  }

  @Override
  public Shape outputShape(String layerName, List<Shape> inputs) {
    Shape first = inputs.get(0);
    int channels = 0;
    for (Shape s : inputs) {
      if (s.h() != first.h() || s.w() != first.w() || s.n() != first.n()) {
        throw new IllegalArgumentException(
            layerName
                + ": concatenation needs inputs of the same height and width, got "
                + inputs.stream().map(Shape::toString).toList());
      }
      channels += s.c();
    }
    return new Shape(first.n(), channels, first.h(), first.w());
  }

  @Override
  public Layer create(String layerName, Shape input, Backend backend) {
    return create(layerName, List.of(input), backend);
  }

  @Override
  public Layer create(String layerName, List<Shape> inputs, Backend backend) {
    return new Concat(layerName, this, inputs, backend);
  }
}
