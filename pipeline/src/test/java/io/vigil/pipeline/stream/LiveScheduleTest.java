package io.vigil.pipeline.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** A live source's lag, from arrival times against timestamps. */
class LiveScheduleTest {

  private static final long MS = 1_000_000;

  @Test
  void framesOnTimeHaveNoLagAndFramesPilingUpBehindHaveTheirDelay() {
    LiveSchedule s = new LiveSchedule();
    long t0 = 5_000 * MS;
    // 30 fps, arriving 20 ms after capture (network + decoding), jitter of a few ms.
    assertEquals(0, s.lagNanos(t0 + 20 * MS, 0));
    assertEquals(3 * MS, s.lagNanos(t0 + 33 * MS + 23 * MS, 33_000));
    assertEquals(0, s.lagNanos(t0 + 66 * MS + 20 * MS, 66_000));
    // Decoding stalls for half a second: the frames behind it come late, by their delay.
    assertEquals(420 * MS, s.lagNanos(t0 + 539 * MS, 99_000));
    assertEquals(388 * MS, s.lagNanos(t0 + 540 * MS, 132_000));
    // Where a frame would have been on schedule: the earliest offset seen, 20 ms after capture.
    assertEquals(t0 + 20 * MS + 165 * MS, s.onScheduleNanos(165_000));
  }

  @Test
  void aSenderAheadOfRealTimeOnlyMovesTheScheduleEarlier() {
    LiveSchedule s = new LiveSchedule();
    // A burst: ten frames of a third of a second delivered within 10 ms.
    for (int i = 0; i < 10; i++) {
      assertEquals(0, s.lagNanos(1_000 * MS + i * MS, i * 33_333L), "frame " + i);
    }
    // Then real time from the last: on schedule, no lag.
    assertEquals(0, s.lagNanos(1_009 * MS + 33 * MS, 10 * 33_333L));
  }

  @Test
  void aClockThatRestartsOrJumpsStartsTheScheduleAgain() {
    LiveSchedule s = new LiveSchedule();
    s.lagNanos(1_000 * MS, 90_000_000); // 90 s into the camera's clock
    s.lagNanos(1_033 * MS, 90_033_000);
    // The camera restarted: its timestamps begin at 0 again.
    assertEquals(0, s.lagNanos(1_066 * MS, 0));
    assertEquals(0, s.lagNanos(1_099 * MS, 33_000));
    assertEquals(50 * MS, s.lagNanos(1_182 * MS, 66_000));
    // A forward jump of a minute in the timestamps reads as early, never as late.
    assertEquals(0, s.lagNanos(1_215 * MS, 60_099_000));
    assertEquals(0, s.lagNanos(1_248 * MS, 60_132_000));
  }
}
