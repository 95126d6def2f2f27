package io.vigil.pipeline.realtime;

import io.vigil.pipeline.stream.ShedSignal;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How one stream's source learns that the real-time buffer is saturated for it: each time the
 * buffer drops one of the stream's frames (a frame decoded, converted and preprocessed in vain),
 * the source may shed its next {@code perDrop} frames before converting them. Credits do not pile
 * up beyond {@code perDrop}, so once the overload is over at most that many frames are shed that
 * the buffer would have kept; and every frame shed is paid for by a frame the buffer dropped, so a
 * stream is never starved by shedding.
 *
 * <p>Under steady overload this moves part of the dropping before the expensive work: with {@code
 * perDrop = 1}, about half of the frames that cannot be classified are shed at the source and the
 * buffer drops the other half (each buffer drop buys one shed; more per drop moves more of it, at
 * the price of runs of shed frames). Which frames the buffer's policy would drop is known only when
 * the engine takes a batch, so shedding follows its drops rather than predicting them.
 */
final class SaturationSignal implements ShedSignal {

  private final int perDrop;
  private final AtomicInteger credits = new AtomicInteger();

  /**
   * @param perDrop frames to shed per frame the buffer drops; 0 sheds nothing
   */
  SaturationSignal(int perDrop) {
    if (perDrop < 0) {
      throw new IllegalArgumentException("frames shed per drop must be ≥ 0, got " + perDrop);
    }
    this.perDrop = perDrop;
  }

  /** The buffer dropped one of the stream's frames. */
  void bufferDropped() {
    if (perDrop > 0) {
      credits.set(perDrop);
    }
  }

  @Override
  public boolean shedNext() {
    return credits.getAndUpdate(c -> c > 0 ? c - 1 : 0) > 0;
  }
}
