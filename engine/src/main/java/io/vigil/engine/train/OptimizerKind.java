package io.vigil.engine.train;

import io.vigil.engine.backend.Backend;
import io.vigil.engine.layer.Parameter;
import java.util.List;
import java.util.Locale;

/** The optimizers a training run can use. */
public enum OptimizerKind {
  /** SGD with momentum; see {@link Sgd}. */
  SGD,
  /** Adam; see {@link Adam}. */
  ADAM;

  Optimizer create(Backend backend, List<Parameter> parameters, TrainingConfig config) {
    return switch (this) {
      case SGD -> new Sgd(backend, parameters, config);
      case ADAM -> new Adam(backend, parameters, config);
    };
  }

  /** {@code sgd} or {@code adam}, any case. */
  public static OptimizerKind parse(String name) {
    try {
      return valueOf(name.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unknown optimizer '" + name + "' (known: sgd, adam)", e);
    }
  }

  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
