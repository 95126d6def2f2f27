package io.vigil.pipeline.result;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Percentiles from fixed buckets agree with exact ones to within the bucket width. */
class LatencyTrackerTest {

  @Test
  void percentilesAreWithinFourPercentAboveTheExactOnes() {
    LatencyTracker tracker = new LatencyTracker();
    Random random = new Random(3);
    double[] values = new double[10_000];
    for (int i = 0; i < values.length; i++) {
      values[i] = Math.exp(random.nextGaussian() * 1.5 + 2); // ms, log-normal around 7 ms
      tracker.record(values[i]);
    }
    Arrays.sort(values);
    for (double q : new double[] {0.5, 0.95, 0.99}) {
      double exact = values[(int) Math.ceil(q * values.length) - 1];
      double estimate = tracker.percentile(q);
      assertTrue(estimate >= exact * 0.999, q + ": " + estimate + " < exact " + exact);
      assertTrue(estimate <= exact * 1.05, q + ": " + estimate + " > exact " + exact + " + 5%");
    }
    assertEquals(values.length, tracker.count());
  }

  @Test
  void nothingRecordedGivesNaN() {
    assertTrue(Double.isNaN(new LatencyTracker().percentile(0.99)));
    assertEquals(0, new LatencyTracker().percentiles().count());
  }
}
