package io.vigil.engine.train;

import java.util.Locale;

/**
 * The validation gate's thresholds: a fine-tuned candidate passes when its accuracy on the held-out
 * frames of the new scene rose by at least {@code minGain} over the base model's, and its accuracy
 * on the original test data fell by at most {@code maxOriginalDrop}. Both are fractions (absolute,
 * not relative): {@code 0.05} is 5 points of accuracy.
 *
 * <pre>
 *   passed ⇔ newAfter − newBefore ≥ minGain  ∧  originalBefore − originalAfter ≤ maxOriginalDrop
 * </pre>
 *
 * A difference within 10⁻⁹ of its threshold counts as meeting it, so that a candidate right on the
 * line is not rejected by rounding.
 */
public record GateConfig(double minGain, double maxOriginalDrop) {

  private static final double TOLERANCE = 1e-9;

  public GateConfig {
    if (!(minGain >= -1 && minGain <= 1)) {
      throw new IllegalArgumentException("gate config: minGain must be in [-1, 1], got " + minGain);
    }
    if (!(maxOriginalDrop >= 0 && maxOriginalDrop <= 1)) {
      throw new IllegalArgumentException(
          "gate config: maxOriginalDrop must be in [0, 1], got " + maxOriginalDrop);
    }
  }

  /**
   * The new scene must rise by 2 points; the original may fall by 1 point. Two points, not more: a
   * mild change (darker with noise) leaves a base model at 89 % on the new scene, and the
   * fine-tune's +2.4 points there is a real gain; on the gate's usual thousand or more held-out
   * frames it is well beyond chance.
   */
  public static GateConfig defaults() {
    return new GateConfig(0.02, 0.01);
  }

  /**
   * The gate's decision on four accuracies (fractions in [0, 1]): the base model's and the
   * candidate's on the new scene's held-out frames and on the original test data. A pure function.
   * The verdict's reason is one line with the figures in points, e.g. {@code passed: new scene 15.9
   * % → 86.2 % (+70.3, needs +5.0); original 91.2 % → 90.8 % (−0.4, may fall 1.0)}; a rejection
   * starts by naming the test that failed.
   */
  public GateVerdict judge(
      double newBefore, double newAfter, double originalBefore, double originalAfter) {
    checkAccuracy("newBefore", newBefore);
    checkAccuracy("newAfter", newAfter);
    checkAccuracy("originalBefore", originalBefore);
    checkAccuracy("originalAfter", originalAfter);
    double gain = newAfter - newBefore;
    double drop = originalBefore - originalAfter;
    boolean gained = gain >= minGain - TOLERANCE;
    boolean kept = drop <= maxOriginalDrop + TOLERANCE;
    String figures =
        String.format(
            Locale.ROOT,
            "new scene %.1f %% → %.1f %% (%s, needs %s); original %.1f %% → %.1f %% (%s, may fall"
                + " %.1f)",
            100 * newBefore,
            100 * newAfter,
            signed(gain),
            signed(minGain),
            100 * originalBefore,
            100 * originalAfter,
            signed(-drop),
            100 * maxOriginalDrop);
    String verdict;
    if (gained && kept) {
      verdict = "passed";
    } else if (!gained && !kept) {
      verdict = "rejected: the new scene rose too little and the original fell too far";
    } else if (!gained) {
      verdict = "rejected: the new scene rose too little";
    } else {
      verdict = "rejected: the original fell too far";
    }
    return new GateVerdict(
        gained && kept,
        newBefore,
        newAfter,
        originalBefore,
        originalAfter,
        verdict + ": " + figures);
  }

  /** Points with a sign, one decimal: {@code +5.0}, {@code −0.4} (a true minus sign). */
  private static String signed(double fraction) {
    double points = 100 * fraction;
    String magnitude = String.format(Locale.ROOT, "%.1f", Math.abs(points));
    if (magnitude.equals("0.0")) {
      return "±0.0";
    }
    return (points < 0 ? "−" : "+") + magnitude;
  }

  private static void checkAccuracy(String name, double value) {
    if (!(value >= 0 && value <= 1)) {
      throw new IllegalArgumentException(
          "gate: " + name + " must be an accuracy in [0, 1], got " + value);
    }
  }
}
