package io.vigil.pipeline.result;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Runs of one best label, kept when long enough. */
class SegmentTrackerTest {

  @Test
  void keepsRunsOfAtLeastMinFramesIncludingTheOpenOne() {
    SegmentTracker t = new SegmentTracker(3);
    int[] labels = {1, 1, 1, 1, 2, 2, 1, 1, 1};
    for (int i = 0; i < labels.length; i++) {
      t.add(i, i * 100L, labels[i], "L" + labels[i]);
    }
    assertEquals(
        List.of(
            new SegmentTracker.Segment("L1", 0, 3, 0, 300),
            new SegmentTracker.Segment("L1", 6, 8, 600, 800)),
        t.segments());
  }
}
