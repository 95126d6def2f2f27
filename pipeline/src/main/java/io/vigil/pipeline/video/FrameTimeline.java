package io.vigil.pipeline.video;

import java.util.Map;
import java.util.TreeMap;

/**
 * Follows the timestamps of delivered frames, repairs those that do not increase, and estimates how
 * many frames were lost.
 *
 * <p><b>The rule.</b> Let {@code T} be the typical step between frames: the median of the observed
 * timestamp steps (the declared interval {@code 1 / frameRate} until there are steps).
 *
 * <ul>
 *   <li><b>Gaps.</b> A step {@code s > 1.5 T} stands for {@code round(s / T) − 1} lost frames. Gaps
 *       are counted only when {@code T} agrees with the declared interval (within 25%): then the
 *       stream ticks at its declared rate and a longer step means frames went missing. When the
 *       frames are much further apart than the declared rate says, the stream is sparse or
 *       variable-rate by design, and its gaps say nothing about loss: tree.avi declares 15 fps but
 *       its 68 coded frames are 0.33–0.73 s apart (the other 376 of the 444 AVI chunks its header
 *       counts are empty "repeat the previous frame" chunks that FFmpeg itself skips).
 *   <li><b>End.</b> The claimed end is the latest of: the container's start plus its duration, and
 *       the start plus the header's frame count divided by the declared rate. If the last frame's
 *       timestamp is {@code d} before it, {@code round(d / T) − 1} frames (at least 0) were lost at
 *       the end. The frame count is used only as a time span, never as a number of frames to
 *       expect: a truncated AVI keeps its header (vtest.avi cut in half still claims 795 frames,
 *       79.5 s, while FFmpeg's duration shrinks to what it can index, 39.8 s).
 * </ul>
 *
 * Frames missing before the first delivered one are not estimated. Damage that FFmpeg renumbers
 * away (the AVI demuxer gives the frames after a destroyed stretch consecutive timestamps) shows up
 * as loss at the end, not as a gap.
 *
 * <p>A step over frames the decoder was told to skip ({@link FrameSkipping}) is neither a gap nor a
 * statistic: the caller counts those frames itself.
 *
 * <p><b>Repair.</b> A timestamp not greater than the previous one (FFmpeg returns 0 for the last,
 * flushed frame of Megamind.avi) is replaced by the previous one plus one step, the declared
 * interval when known; repaired steps do not enter the statistics.
 */
final class FrameTimeline {

  /** Frames further apart than this many typical steps mean loss. */
  private static final double GAP_FACTOR = 1.5;

  /** How far the typical step may differ from the declared interval for gaps to count. */
  private static final double RATE_TOLERANCE = 0.25;

  private final double declaredStepMicros;
  private final long claimedEndMicros;
  private final Map<Long, Long> stepCounts = new TreeMap<>();
  private long frames;
  private long steps;
  private long lastPts;
  private long repaired;

  /**
   * @param frameRate the declared frame rate, 0 or NaN when unknown
   * @param claimedEndMicros the claimed end of the stream, {@link Long#MIN_VALUE} when unknown
   */
  FrameTimeline(double frameRate, long claimedEndMicros) {
    this.declaredStepMicros = frameRate > 0 ? 1_000_000.0 / frameRate : Double.NaN;
    this.claimedEndMicros = claimedEndMicros;
  }

  /** Records the next frame's timestamp and returns it, repaired if it does not increase. */
  long accept(long ptsMicros) {
    return accept(ptsMicros, false);
  }

  /**
   * Records the next frame's timestamp and returns it, repaired if it does not increase; {@code
   * afterSkipping}: the decoder was skipping frames, so the step from the last frame is not kept.
   */
  long accept(long ptsMicros, boolean afterSkipping) {
    long pts = ptsMicros;
    if (frames > 0) {
      if (pts <= lastPts) {
        pts = lastPts + Math.max(1, Math.round(repairStep()));
        repaired++;
      } else if (!afterSkipping) {
        stepCounts.merge(pts - lastPts, 1L, Long::sum);
        steps++;
      }
    }
    lastPts = pts;
    frames++;
    return pts;
  }

  long claimedEndMicros() {
    return claimedEndMicros;
  }

  long repaired() {
    return repaired;
  }

  /** The estimate from the frames seen so far. */
  Estimate estimate() {
    double step = typicalStep();
    boolean gapsCounted =
        step > 0
            && declaredStepMicros > 0
            && Math.abs(step - declaredStepMicros) <= RATE_TOLERANCE * declaredStepMicros;
    long lostInGaps = 0;
    if (gapsCounted) {
      for (Map.Entry<Long, Long> e : stepCounts.entrySet()) {
        if (e.getKey() > GAP_FACTOR * step) {
          lostInGaps += (Math.round(e.getKey() / step) - 1) * e.getValue();
        }
      }
    }
    long lostAtEnd = 0;
    if (frames > 0 && step > 0 && claimedEndMicros != Long.MIN_VALUE) {
      lostAtEnd = Math.max(0, Math.round((claimedEndMicros - lastPts) / step) - 1);
    }
    return new Estimate(lostInGaps, lostAtEnd, gapsCounted, step, lastPts);
  }

  /**
   * @param lostInGaps frames estimated lost between delivered frames
   * @param lostAtEnd frames estimated lost after the last delivered frame
   * @param gapsCounted whether the stream ticks at its declared rate, so gaps were counted
   * @param typicalStepMicros the median step between frames (declared interval if no steps; NaN if
   *     neither is known)
   * @param lastPtsMicros the last delivered timestamp
   */
  record Estimate(
      long lostInGaps,
      long lostAtEnd,
      boolean gapsCounted,
      double typicalStepMicros,
      long lastPtsMicros) {}

  private double repairStep() {
    if (declaredStepMicros > 0) {
      return declaredStepMicros;
    }
    return steps > 0 ? typicalStep() : 1;
  }

  /** Median of the observed steps, or the declared step while there are none. */
  private double typicalStep() {
    if (steps == 0) {
      return declaredStepMicros;
    }
    long middle = (steps - 1) / 2;
    long seen = 0;
    for (Map.Entry<Long, Long> e : stepCounts.entrySet()) {
      seen += e.getValue();
      if (seen > middle) {
        return e.getKey();
      }
    }
    throw new IllegalStateException("step histogram holds fewer than " + steps + " steps");
  }
}
