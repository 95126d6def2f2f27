package io.vigil.engine.train;

/**
 * How the learning rate changes over a run: the rate of epoch {@code e} (1-based) of {@code E} is
 * {@code baseRate × factor(e, E)}.
 *
 * <ul>
 *   <li>{@code constant}: factor 1.
 *   <li>{@code step:N:G}: multiplied by G every N epochs: {@code G^⌊(e − 1)/N⌋}.
 *   <li>{@code cosine} or {@code cosine:F}: from 1 down towards F (default 0) along half a cosine:
 *       {@code F + (1 − F)·(1 + cos(π·(e − 1)/E))/2}.
 *   <li>{@code onecycle} or {@code onecycle:W}: Smith's one-cycle policy, changed at every step
 *       rather than every epoch. Over the first fraction W of the run (default 0.3) the factor
 *       rises along half a cosine from 1/25 to 1; over the rest it falls along half a cosine to
 *       1/25 000. The base rate is then the peak rate, which may be several times the rate a
 *       constant schedule tolerates: the slow start keeps early steps stable, the long anneal
 *       settles the weights.
 * </ul>
 *
 * The text forms above are what {@link #parse} reads and {@code toString} writes.
 */
public sealed interface LearningRateSchedule {

  /** The factor for epoch {@code epoch} (1-based) of {@code epochs}. */
  float factor(int epoch, int epochs);

  /**
   * The factor for the step that starts {@code epochFraction} (in [0, 1)) of the way through epoch
   * {@code epoch} of {@code epochs}. Schedules that change only between epochs ignore the fraction.
   */
  default float factorAt(int epoch, int epochs, double epochFraction) {
    return factor(epoch, epochs);
  }

  /** A constant rate. */
  record Constant() implements LearningRateSchedule {
    @Override
    public float factor(int epoch, int epochs) {
      return 1f;
    }

    @Override
    public String toString() {
      return "constant";
    }
  }

  /** The rate multiplied by {@code gamma} every {@code every} epochs. */
  record Step(int every, float gamma) implements LearningRateSchedule {
    public Step {
      if (every < 1 || !(gamma > 0 && gamma <= 1)) {
        throw new IllegalArgumentException(
            "step schedule: needs every ≥ 1 and 0 < gamma ≤ 1, got every="
                + every
                + " gamma="
                + gamma);
      }
    }

    @Override
    public float factor(int epoch, int epochs) {
      return (float) Math.pow(gamma, (epoch - 1) / every);
    }

    @Override
    public String toString() {
      return "step:" + every + ":" + gamma;
    }
  }

  /** Half a cosine from 1 down towards {@code floor}. */
  record Cosine(float floor) implements LearningRateSchedule {
    public Cosine {
      if (!(floor >= 0 && floor < 1)) {
        throw new IllegalArgumentException(
            "cosine schedule: floor must be in [0, 1), got " + floor);
      }
    }

    @Override
    public float factor(int epoch, int epochs) {
      double progress = (epoch - 1) / (double) epochs;
      return (float) (floor + (1 - floor) * (1 + Math.cos(Math.PI * progress)) / 2);
    }

    @Override
    public String toString() {
      return floor == 0 ? "cosine" : "cosine:" + floor;
    }
  }

  /** Smith's one-cycle policy: a warm-up over {@code warmup} of the run, then a long anneal. */
  record OneCycle(float warmup) implements LearningRateSchedule {
    /** The first step's factor: the peak over 25, as in Smith's and PyTorch's defaults. */
    static final double START = 1 / 25.0;

    /** The last step's factor. */
    static final double END = START / 1e4;

    public OneCycle {
      if (!(warmup > 0 && warmup < 1)) {
        throw new IllegalArgumentException(
            "onecycle schedule: the warm-up fraction must be in (0, 1), got " + warmup);
      }
    }

    @Override
    public float factor(int epoch, int epochs) {
      return factorAt(epoch, epochs, 0);
    }

    @Override
    public float factorAt(int epoch, int epochs, double epochFraction) {
      double progress = (epoch - 1 + epochFraction) / epochs;
      if (progress < warmup) {
        return (float) halfCosine(START, 1, progress / warmup);
      }
      return (float) halfCosine(1, END, (progress - warmup) / (1 - warmup));
    }

    /** From {@code from} at t = 0 to {@code to} at t = 1 along half a cosine. */
    private static double halfCosine(double from, double to, double t) {
      return to + (from - to) * (1 + Math.cos(Math.PI * Math.min(1, t))) / 2;
    }

    @Override
    public String toString() {
      return warmup == 0.3f ? "onecycle" : "onecycle:" + warmup;
    }
  }

  /** Reads the text forms listed above. */
  static LearningRateSchedule parse(String text) {
    String[] parts = text.trim().split(":");
    try {
      switch (parts[0]) {
        case "constant":
          if (parts.length == 1) {
            return new Constant();
          }
          break;
        case "step":
          if (parts.length == 3) {
            return new Step(Integer.parseInt(parts[1]), Float.parseFloat(parts[2]));
          }
          break;
        case "cosine":
          if (parts.length <= 2) {
            return new Cosine(parts.length == 2 ? Float.parseFloat(parts[1]) : 0f);
          }
          break;
        case "onecycle":
          if (parts.length <= 2) {
            return new OneCycle(parts.length == 2 ? Float.parseFloat(parts[1]) : 0.3f);
          }
          break;
        default:
          break;
      }
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "learning-rate schedule '" + text + "': " + e.getMessage());
    }
    throw new IllegalArgumentException(
        "unknown learning-rate schedule '"
            + text
            + "' (known: constant, step:EVERY:GAMMA, cosine, cosine:FLOOR, onecycle, onecycle:WARMUP)");
  }
}
