package io.vigil.bench.ort;

import java.util.Arrays;

/**
 * The engine benchmark's protocol: a warm-up, then {@link #ROUNDS} timed rounds of about {@link
 * #ROUND_NANOS} each (at least one call, so a slow network's round is one pass), reported as the
 * median with the spread, since the machine is shared.
 */
final class Rates {

  static final int ROUNDS = 5;
  static final long ROUND_NANOS = 1_000_000_000L;

  private Rates() {}

  /**
   * Images per second in each round of {@code call}, which runs {@code images} images; first at
   * least {@code warmUpNanos} and at least two calls of warm-up.
   */
  static double[] measure(int images, long warmUpNanos, Runnable call) {
    long warmEnd = System.nanoTime() + warmUpNanos;
    int warmCalls = 0;
    while (warmCalls < 2 || System.nanoTime() < warmEnd) {
      call.run();
      warmCalls++;
    }
    double[] rates = new double[ROUNDS];
    for (int r = 0; r < ROUNDS; r++) {
      long start = System.nanoTime();
      long calls = 0;
      long now;
      do {
        call.run();
        calls++;
        now = System.nanoTime();
      } while (now - start < ROUND_NANOS);
      rates[r] = calls * (double) images / ((now - start) / 1e9);
    }
    return rates;
  }

  static double median(double[] rates) {
    double[] sorted = rates.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }

  /** {@code median [min-max]}. */
  static String format(double[] rates) {
    double[] sorted = rates.clone();
    Arrays.sort(sorted);
    return String.format(
        "%8.1f [%.1f-%.1f]", sorted[sorted.length / 2], sorted[0], sorted[sorted.length - 1]);
  }
}
