package io.vigil.pipeline.result;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Latency percentiles from fixed, geometrically growing buckets: bucket {@code i} holds values in
 * {@code [MIN·G^i, MIN·G^(i+1))} milliseconds with {@code MIN = 0.01 ms} and {@code G = 1.04}, so a
 * percentile is exact to within 4 % (it reports its bucket's upper edge, never less than the true
 * value) from 10 µs to over an hour. Recording is lock-free and allocates nothing; memory is fixed
 * whatever the run's length. Safe to record from several threads and read from another.
 */
public final class LatencyTracker {

  private static final double MIN_MILLIS = 0.01;
  private static final double GROWTH = 1.04;
  private static final int BUCKETS = 600;
  private static final double LOG_GROWTH = Math.log(GROWTH);

  private final AtomicLongArray counts = new AtomicLongArray(BUCKETS);

  /** Records one latency in milliseconds (negative values count as 0). */
  public void record(double millis) {
    counts.incrementAndGet(bucket(millis));
  }

  /** Number of values recorded. */
  public long count() {
    long n = 0;
    for (int i = 0; i < BUCKETS; i++) {
      n += counts.get(i);
    }
    return n;
  }

  /**
   * The {@code q}-quantile ({@code q} in [0, 1]) in milliseconds: the upper edge of the bucket that
   * holds it, or NaN when nothing was recorded.
   */
  public double percentile(double q) {
    if (q < 0 || q > 1) {
      throw new IllegalArgumentException("percentile: q must be in [0, 1], got " + q);
    }
    long[] snapshot = new long[BUCKETS];
    long total = 0;
    for (int i = 0; i < BUCKETS; i++) {
      snapshot[i] = counts.get(i);
      total += snapshot[i];
    }
    if (total == 0) {
      return Double.NaN;
    }
    long rank = Math.max(1, (long) Math.ceil(q * total));
    long seen = 0;
    for (int i = 0; i < BUCKETS; i++) {
      seen += snapshot[i];
      if (seen >= rank) {
        return upperEdge(i);
      }
    }
    return upperEdge(BUCKETS - 1);
  }

  /** p50, p95 and p99 now. */
  public Percentiles percentiles() {
    return new Percentiles(count(), percentile(0.50), percentile(0.95), percentile(0.99));
  }

  static int bucket(double millis) {
    if (!(millis > MIN_MILLIS)) {
      return 0;
    }
    int i = (int) (Math.log(millis / MIN_MILLIS) / LOG_GROWTH);
    return Math.min(BUCKETS - 1, i);
  }

  static double upperEdge(int bucket) {
    return MIN_MILLIS * Math.pow(GROWTH, bucket + 1);
  }

  /** Latency percentiles in milliseconds over {@code count} values (NaN when count is 0). */
  public record Percentiles(long count, double p50, double p95, double p99) {}
}
