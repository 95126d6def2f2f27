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
}
