package io.vigil.engine.layer;

/**
 * Zero padding by name, for a kernel of effective size {@code F = m + (m − 1)(d − 1)} (the
 * textbook's narrow, equal-width and wide convolutions; at stride 1 the output is {@code W − F +
 * 1}, {@code W} and {@code W + F − 1}):
 *
 * <pre>
 *   VALID  P = 0             narrow ("valid")
 *   SAME   P = (F − 1)/2     equal-width ("same"); F must be odd so the padding is symmetric
 *   FULL   P = F − 1         wide ("full")
 * </pre>
 */
public enum Padding {
  VALID,
  SAME,
  FULL;

  /** The padding per side for an effective kernel size {@code effective}. */
  public int pad(String layer, String axis, int effective) {
    return switch (this) {
      case VALID -> 0;
      case FULL -> effective - 1;
      case SAME -> {
        if (effective % 2 == 0) {
          throw new IllegalArgumentException(
              layer
                  + ": "
                  + axis
                  + ": 'same' padding needs an odd effective kernel size, got F = "
                  + effective
                  + " (P = (F − 1)/2 = "
                  + (effective - 1) / 2.0
                  + ")");
        }
        yield (effective - 1) / 2;
      }
    };
  }
}
