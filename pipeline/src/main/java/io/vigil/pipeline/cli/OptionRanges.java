package io.vigil.pipeline.cli;

import java.util.Locale;
import java.util.function.Function;

/**
 * The ranges of option values that their Java types do not express. Each check returns the value it
 * was given, or throws a {@link BadArgumentException} naming the option, the value and the range.
 */
final class OptionRanges {

  private OptionRanges() {}

  /** {@code value ≥ min}. */
  static int atLeast(String option, int value, int min) {
    if (value < min) {
      throw new BadArgumentException(option + " " + value + ": must be at least " + min);
    }
    return value;
  }

  /** A finite {@code value > 0}. */
  static int between(String option, int value, int min, int max) {
    if (value < min || value > max) {
      throw new BadArgumentException(option + " " + value + ": must be " + min + " to " + max);
    }
    return value;
  }

  static double positive(String option, double value) {
    if (!(value > 0) || !Double.isFinite(value)) {
      throw new BadArgumentException(option + " " + number(value) + ": must be a positive number");
    }
    return value;
  }

  /** A finite {@code value ≥ 0}. */
  static double notNegative(String option, double value) {
    if (!(value >= 0) || !Double.isFinite(value)) {
      throw new BadArgumentException(option + " " + number(value) + ": must be 0 or more");
    }
    return value;
  }

  /** {@code 0 ≤ value < 1}. */
  static double fraction(String option, double value) {
    if (!(value >= 0 && value < 1)) {
      throw new BadArgumentException(
          option + " " + number(value) + ": must be at least 0 and below 1");
    }
    return value;
  }

  /** {@code value} read by {@code parser}; what the parser refuses is a bad {@code option}. */
  static <T> T parsed(String option, String value, Function<String, T> parser) {
    try {
      return parser.apply(value);
    } catch (IllegalArgumentException e) {
      throw new BadArgumentException(option + " " + value + ": " + e.getMessage(), e);
    }
  }

  private static String number(double value) {
    return value == Math.rint(value) && Math.abs(value) < 1e15
        ? String.format(Locale.ROOT, "%.0f", value)
        : String.valueOf(value);
  }
}
