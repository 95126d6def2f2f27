package io.vigil.pipeline.stream;

/**
 * Tells a live stream's source that its next frame would be dropped anyway (the real-time buffer is
 * saturated for the stream), so it should decode it without converting or preprocessing it. Asked
 * from the source's own thread before each frame; told from the buffer's.
 */
@FunctionalInterface
public interface ShedSignal {

  /**
   * Whether the next frame should be passed on unconverted (and then dropped); a {@code true}
   * answer is used up by asking.
   */
  boolean shedNext();
}
