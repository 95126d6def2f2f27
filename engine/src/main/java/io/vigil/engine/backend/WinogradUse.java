package io.vigil.engine.backend;

import java.util.Locale;

/**
 * When a backend convolves by Winograd F(2,3) instead of im2col + GEMM, as a system property sets
 * it: {@code auto} (the default; also {@code true}) where the backend measured it faster, {@code
 * false} never, {@code always} for every window it can compute (tests and A/B runs).
 */
public enum WinogradUse {
  AUTO,
  NEVER,
  ALWAYS;

  /** The setting {@code setting} names; {@code property} is the key it came from, for errors. */
  public static WinogradUse parse(String setting, String property) {
    switch (setting.trim().toLowerCase(Locale.ROOT)) {
      case "auto":
      case "true":
        return AUTO;
      case "false":
        return NEVER;
      case "always":
        return ALWAYS;
      default:
        throw new IllegalArgumentException(
            "unknown " + property + " '" + setting + "'; known: auto, true, false, always");
    }
  }

  /** The setting of system property {@code property}, {@code auto} when it is not set. */
  public static WinogradUse fromProperty(String property) {
    return parse(System.getProperty(property, "auto"), property);
  }

  /** Whether F(2,3) computes this window: 3×3, stride 1, undilated. */
  public static boolean computes(Window2d w) {
    return w.kernelH() == 3
        && w.kernelW() == 3
        && w.strideH() == 1
        && w.strideW() == 1
        && w.dilationH() == 1
        && w.dilationW() == 1;
  }

  /**
   * Whether a backend's Winograd path computes this forward product of {@code images} images: a
   * window {@link #computes(Window2d)} accepts, and a plain overwrite {@code W_j · cols_ij} by
   * weights shared across the batch, row {@code k} of C the output plane of filter {@code k}.
   * Whether it should is each backend's own measured rule.
   */
  public static boolean computes(Window2d w, GemmOp op, int groups, int images) {
    return computes(w)
        && !op.transA()
        && !op.transB()
        && op.alpha() == 1f
        && op.beta() == 0f
        && op.batch() == images
        && op.strideA() == 0
        && w.channels() % groups == 0
        && op.k() == w.channels() / groups * 9
        && op.n() == w.positions()
        && op.ldc() == op.n();
  }
}
