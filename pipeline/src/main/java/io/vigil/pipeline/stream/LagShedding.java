package io.vigil.pipeline.stream;

import java.time.Duration;

/**
 * How a real-time source catches up when decoding falls behind, as a camera's frames would pile up
 * (a paced file: behind its frames' due times; a live source: behind the schedule its timestamps
 * keep, see {@code LiveSchedule}): a frame decoded more than {@code maxLag} late is passed on
 * unconverted (dropped), and while behind the decoder skips frames that nothing refers to, and
 * everything up to the next key frame once ten times {@code maxLag} behind, until it is within a
 * frame of its schedule again. Each frame shed so, decoded or not, goes on as a frame without
 * pixels marked {@link io.vigil.pipeline.frame.StreamItem.Frame#late()}, for the pipeline to count.
 *
 * @param maxLag how far behind a source may fall before it sheds (positive)
 */
public record LagShedding(Duration maxLag) {

  public LagShedding {
    if (maxLag.isNegative() || maxLag.isZero()) {
      throw new IllegalArgumentException("the source's maximum lag must be positive: " + maxLag);
    }
  }
}
