package io.vigil.engine.backend;

/**
 * The elementwise nonlinearities of {@link Backend#activation}, with {@code y = f(x)} and the
 * derivative used by {@link Backend#activationBackward}:
 *
 * <pre>
 *   RELU        y = max(0, x)                  dy/dx = [x > 0]   (0 at the kink)
 *   LEAKY_RELU  y = x if x > 0 else α·x        dy/dx = 1 if x > 0 else α
 *   SIGMOID     y = 1 / (1 + e^{−x})            dy/dx = y·(1 − y)
 *   TANH        y = tanh x                     dy/dx = 1 − y²
 * </pre>
 */
public enum ActivationKind {
  RELU,
  LEAKY_RELU,
  SIGMOID,
  TANH
}
