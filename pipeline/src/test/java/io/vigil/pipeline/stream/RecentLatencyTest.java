package io.vigil.pipeline.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The window of recent latencies, on a clock the test sets. */
class RecentLatencyTest {

  private static final long SECOND = 1_000_000_000L;

  @Test
  void quantilesCoverTheLastWindowOnly() {
    RecentLatency recent = new RecentLatency(SECOND, 100);
    assertTrue(Double.isNaN(recent.quantile(0.99, 0)), "nothing recorded");
    for (int i = 1; i <= 10; i++) {
      recent.record(100 + i, 0);
    }
    for (int i = 1; i <= 100; i++) {
      recent.record(i, SECOND + i);
    }
    // At 1.5 s the first ten (at 0 s) are out of the window; the ring keeps only the last 100.
    assertEquals(99, recent.quantile(0.99, SECOND + SECOND / 2));
    assertEquals(50, recent.quantile(0.5, SECOND + SECOND / 2));
    assertTrue(Double.isNaN(recent.quantile(0.99, 3 * SECOND)), "all too old");
  }
}
