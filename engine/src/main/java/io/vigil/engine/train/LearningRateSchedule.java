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
 * </ul>
 *
 * The text forms above are what {@link #parse} reads and {@code toString} writes.
 */
public sealed interface LearningRateSchedule {

  /** The factor for epoch {@code epoch} (1-based) of {@code epochs}. */
  float factor(int epoch, int epochs);

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

  /** Reads {@code constant}, {@code step:N:G}, {@code cosine} or {@code cosine:F}. */
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
            + "' (known: constant, step:EVERY:GAMMA, cosine, cosine:FLOOR)");
  }
}
