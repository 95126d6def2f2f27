package io.vigil.pipeline.video;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class FrameTimelineTest {

  private static FrameTimeline.Estimate feed(FrameTimeline timeline, long... pts) {
    for (long p : pts) {
      timeline.accept(p);
    }
    return timeline.estimate();
  }

  @Test
  void regularStreamWithoutGapsLosesNothing() {
    FrameTimeline.Estimate e =
        feed(new FrameTimeline(10, 500_000), 0, 100_000, 200_000, 300_000, 400_000);
    assertEquals(0, e.lostInGaps());
    assertEquals(0, e.lostAtEnd());
    assertTrue(e.gapsCounted());
  }

  @Test
  void aGapOfThreeIntervalsMeansTwoLostFrames() {
    FrameTimeline.Estimate e =
        feed(new FrameTimeline(10, Long.MIN_VALUE), 0, 100_000, 200_000, 500_000, 600_000);
    assertEquals(2, e.lostInGaps());
  }

  @Test
  void aStepBelowOneAndAHalfIntervalsIsJitterNotLoss() {
    FrameTimeline.Estimate e =
        feed(new FrameTimeline(10, Long.MIN_VALUE), 0, 100_000, 240_000, 300_000, 400_000);
    assertEquals(0, e.lostInGaps());
  }

  @Test
  void timestampsStoppingBeforeTheClaimedEndMeanLossAtTheEnd() {
    // Ten frames at 10 fps claimed (end 1.0 s), four delivered.
    FrameTimeline.Estimate e = feed(new FrameTimeline(10, 1_000_000), 0, 100_000, 200_000, 300_000);
    assertEquals(6, e.lostAtEnd());
  }

  @Test
  void sparseStreamGapsAreNotCountedAsLoss() {
    // Like tree.avi: declared 15 fps, coded frames 5 to 11 ticks of 1/15 s apart.
    long tick = 66_667;
    FrameTimeline t = new FrameTimeline(15, 20 * tick);
    FrameTimeline.Estimate e = feed(t, 0, 6 * tick, 11 * tick, 17 * tick);
    assertFalse(e.gapsCounted());
    assertEquals(0, e.lostInGaps());
    assertEquals(0, e.lostAtEnd(), "3 ticks short of the end is less than one typical step");
  }

  @Test
  void aTimestampThatGoesBackIsRepairedWithOneInterval() {
    FrameTimeline t = new FrameTimeline(10, 400_000);
    assertEquals(100_000, t.accept(100_000));
    assertEquals(200_000, t.accept(200_000));
    assertEquals(300_000, t.accept(0), "FFmpeg's flushed last frame came back with 0");
    assertEquals(1, t.repaired());
    assertEquals(0, t.estimate().lostAtEnd());
  }
}
