package io.vigil.engine.layer;

import io.vigil.engine.tensor.Tensor;
import java.util.Objects;

/**
 * A learnable tensor and its gradient, both of the same shape and backend. The name ({@code
 * conv1.weight}) keys it in model files. Backward passes add into {@code grad}; the optimizer step
 * consumes and zeroes it.
 */
public record Parameter(String name, Tensor value, Tensor grad) implements AutoCloseable {

  public Parameter {
    Objects.requireNonNull(name, "name");
    if (!value.shape().equals(grad.shape())) {
      throw new IllegalArgumentException(
          "parameter "
              + name
              + ": value "
              + value.shape()
              + " and gradient "
              + grad.shape()
              + " differ");
    }
  }

  /** Frees the value and the gradient. */
  @Override
  public void close() {
    value.close();
    grad.close();
  }
}
