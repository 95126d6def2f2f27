package io.vigil.pipeline.result;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Version spans: one per run of a version, gaps of dropped frames inside, accuracy per span. */
class VersionSpanTrackerTest {

  @Test
  void aSpanPerRunOfOneVersionWithItsFramesAndAccuracy() {
    VersionSpanTracker t = new VersionSpanTracker(true);
    assertNull(t.lastModel());
    assertEquals(List.of(), t.spans());
    t.add("a", 0, true, true);
    t.add("a", 1, true, false);
    t.add("a", 3, false, false); // frame 2 dropped; frame 3 not labeled
    t.add("b", 4, true, true);
    t.add("a", 5, true, true);
    assertEquals(
        List.of(
            new VersionSpan("a", 0, 3, 3, new VersionSpan.Accuracy(2, 1)),
            new VersionSpan("b", 4, 4, 1, new VersionSpan.Accuracy(1, 1)),
            new VersionSpan("a", 5, 5, 1, new VersionSpan.Accuracy(1, 1))),
        t.spans());
    assertEquals("a", t.lastModel());
    assertEquals(0.5, t.spans().get(0).labels().accuracy());
  }

  @Test
  void withoutLabelsSpansCarryNoAccuracy() {
    VersionSpanTracker t = new VersionSpanTracker(false);
    t.add("a", 7);
    t.add("a", 8);
    assertEquals(List.of(new VersionSpan("a", 7, 8, 2)), t.spans());
  }
}
