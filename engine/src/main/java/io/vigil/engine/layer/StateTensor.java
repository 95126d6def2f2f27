package io.vigil.engine.layer;

import io.vigil.engine.tensor.Tensor;
import java.util.Objects;

/**
 * A named tensor saved with a model that is not a learnable parameter (no gradient, not touched by
 * the optimizer): batch normalisation's running mean and variance. The name ({@code
 * bn1.running_mean}) keys it in model files, after the parameters.
 */
public record StateTensor(String name, Tensor value) {

  public StateTensor {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(value, "value of " + name);
  }
}
