package io.vigil.engine.backend;

/**
 * Local response normalisation across channels (AlexNet, Krizhevsky et al. 2012, section 3.3): for
 * channel {@code i} of {@code C} at each position,
 *
 * <pre>
 *   s_i = k + α · Σ_{j = max(0, i − ⌊n/2⌋)}^{min(C − 1, i + ⌊(n − 1)/2⌋)} x_j²
 *   y_i = x_i · s_i^{−β}
 *   dx_j = dy_j · s_j^{−β} − 2αβ · x_j · Σ_{i : j ∈ window(i)} dy_i · y_i / s_i
 * </pre>
 *
 * α multiplies the plain sum, as in the paper (AlexNet: n = 5, α = 1e−4, β = 0.75, k = 2).
 * PyTorch's {@code LocalResponseNorm} divides α by n, so it computes the same with {@code alpha =
 * α·n}.
 */
public record Lrn(int size, float alpha, float beta, float k) {

  public Lrn {
    if (size < 1 || !(alpha >= 0) || !(beta >= 0) || !(k > 0)) {
      throw new IllegalArgumentException(
          "lrn: need size n ≥ 1, α ≥ 0, β ≥ 0, k > 0, got n="
              + size
              + " α="
              + alpha
              + " β="
              + beta
              + " k="
              + k);
    }
  }

  /** Channels before {@code i} in its window: {@code ⌊n/2⌋}. */
  public int before() {
    return size / 2;
  }

  /** Channels after {@code i} in its window: {@code ⌊(n − 1)/2⌋}. */
  public int after() {
    return (size - 1) / 2;
  }
}
