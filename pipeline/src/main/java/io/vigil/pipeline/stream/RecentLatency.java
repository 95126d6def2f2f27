package io.vigil.pipeline.stream;

import java.util.Arrays;

/**
 * The latency of the results of the last {@code window}: what the control plane watches to keep
 * training off the CPU when real time needs it. A ring of the latest samples with their times;
 * older samples, and those beyond the ring's capacity, are left out. Safe to use from any thread.
 */
public final class RecentLatency {

  private final long windowNanos;
  private final double[] millis;
  private final long[] at;
  private int next;
  private int size;

  /** The latencies of the last {@code windowNanos}, at most {@code capacity} of them. */
  public RecentLatency(long windowNanos, int capacity) {
    this.windowNanos = windowNanos;
    this.millis = new double[capacity];
    this.at = new long[capacity];
  }

  /** Records one result's latency, taken now. */
  public void record(double latencyMillis) {
    record(latencyMillis, System.nanoTime());
  }

  synchronized void record(double latencyMillis, long nowNanos) {
    millis[next] = latencyMillis;
    at[next] = nowNanos;
    next = (next + 1) % millis.length;
    size = Math.min(size + 1, millis.length);
  }

  /** The {@code q} quantile of the latencies of the last window, milliseconds; NaN if none. */
  public double quantile(double q) {
    return quantile(q, System.nanoTime());
  }

  synchronized double quantile(double q, long nowNanos) {
    double[] recent = new double[size];
    int n = 0;
    for (int i = 0; i < size; i++) {
      if (nowNanos - at[i] <= windowNanos) {
        recent[n++] = millis[i];
      }
    }
    if (n == 0) {
      return Double.NaN;
    }
    Arrays.sort(recent, 0, n);
    int index = (int) Math.ceil(q * n) - 1;
    return recent[Math.max(0, Math.min(n - 1, index))];
  }
}
