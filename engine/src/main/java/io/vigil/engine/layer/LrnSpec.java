package io.vigil.engine.layer;

import io.vigil.engine.backend.Backend;
import io.vigil.engine.backend.Lrn;
import io.vigil.engine.tensor.Shape;

/**
 * Local response normalisation across {@code size} neighbouring channels (AlexNet): {@code y_i =
 * x_i / (k + α Σ_j x_j²)^β}, the sum over channels {@code i − ⌊n/2⌋ … i + ⌊(n−1)/2⌋}; the formula
 * and gradient are in {@link Lrn}. Output shape = input shape.
 */
public record LrnSpec(int size, float alpha, float beta, float k) implements LayerSpec {

  public LrnSpec {
    new Lrn(size, alpha, beta, k);
  }

  /** AlexNet's values: n = 5, α = 1e−4, β = 0.75, k = 2. */
  public static LrnSpec alexNet() {
    return new LrnSpec(5, 1e-4f, 0.75f, 2f);
  }

  Lrn lrn() {
    return new Lrn(size, alpha, beta, k);
  }

  @Override
  public Shape outputShape(String layerName, Shape input) {
    return input;
  }

  @Override
  public Layer create(String layerName, Shape input, Backend backend) {
    return new LocalResponseNorm(layerName, this, input, backend);
  }
}
