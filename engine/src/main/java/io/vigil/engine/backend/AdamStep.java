package io.vigil.engine.backend;

/**
 * The scalars of one Adam update ({@link Backend#adamUpdate}): for every element, with gradient
 * {@code g + weightDecay·w},
 *
 * <pre>
 *   m ← β₁·m + (1 − β₁)·g
 *   v ← β₂·v + (1 − β₂)·g²
 *   w ← w − learningRate · (m / correction1) / (√(v / correction2) + ε)
 * </pre>
 *
 * where {@code correction1 = 1 − β₁ᵗ} and {@code correction2 = 1 − β₂ᵗ} at step t (Kingma & Ba).
 */
public record AdamStep(
    float learningRate,
    float beta1,
    float beta2,
    float epsilon,
    float weightDecay,
    float correction1,
    float correction2) {

  /** The update for step {@code t} (1-based). */
  public static AdamStep at(
      long t, float learningRate, float beta1, float beta2, float epsilon, float weightDecay) {
    return new AdamStep(
        learningRate,
        beta1,
        beta2,
        epsilon,
        weightDecay,
        (float) (1 - Math.pow(beta1, t)),
        (float) (1 - Math.pow(beta2, t)));
  }
}
