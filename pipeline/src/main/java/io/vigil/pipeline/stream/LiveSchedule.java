package io.vigil.pipeline.stream;

/**
 * How far a live source (a network camera, a capture device) has fallen behind, from its frames'
 * timestamps alone: a live source has no schedule of its own, but its frames leave the camera at
 * the pace their timestamps say. The frame that arrived earliest relative to its timestamp sets the
 * schedule (the smallest arrival − timestamp seen: the network and decoding delays at their least);
 * a frame's lag is how much later than that it arrives. Frames piling up behind a slow decoder, or
 * a stream stalled and then delivered in a burst, arrive late by this measure; a sender that sends
 * faster than real time only moves the schedule earlier.
 *
 * <p>A timestamp that goes backwards (the camera's clock restarted) or a lag beyond {@link
 * #DISCONTINUITY_NANOS} (a jump the clock could not have made in real time) starts the schedule
 * again from that frame, so one discontinuity does not read as a source late for good.
 */
final class LiveSchedule {

  /** A lag this large is taken for a jump in the timestamps, not for frames that late. */
  static final long DISCONTINUITY_NANOS = 30_000_000_000L;

  private long earliestOffsetNanos;
  private long lastPtsMicros = Long.MIN_VALUE;

  /** The lag of a frame stamped {@code ptsMicros} that arrived at {@code arrivalNanos}. */
  long lagNanos(long arrivalNanos, long ptsMicros) {
    long offset = arrivalNanos - ptsMicros * 1000;
    if (lastPtsMicros == Long.MIN_VALUE || ptsMicros < lastPtsMicros) {
      earliestOffsetNanos = offset;
    }
    lastPtsMicros = ptsMicros;
    long lag = offset - earliestOffsetNanos;
    if (lag > DISCONTINUITY_NANOS) {
      earliestOffsetNanos = offset;
      return 0;
    }
    if (lag < 0) {
      earliestOffsetNanos = offset;
      return 0;
    }
    return lag;
  }

  /** When a frame stamped {@code ptsMicros} would have arrived on schedule (nanoTime). */
  long onScheduleNanos(long ptsMicros) {
    return earliestOffsetNanos + ptsMicros * 1000;
  }
}
