package io.vigil.pipeline.frame;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Pixel buffers of one size, used again once every holder of a frame has let go of them, so that a
 * source converting frame after frame does not allocate a new buffer per frame (at 3×227×227 floats
 * that is 600 KB a frame, 300 MB/s for 16 streams at 30 fps).
 *
 * <p>A source {@link #take takes} a buffer for each frame it converts and hands it on as the
 * frame's {@link PixelLease}; the buffer comes back here when the last holder {@link
 * PixelLease#release releases} it. A frame whose lease is never released (a holder that is not
 * pool-aware, a stream stopped with frames in flight) costs one allocation later, never a wrong
 * picture. At most {@code capacity} free buffers are kept; more are left to the garbage collector,
 * so a burst does not pin memory for good. Safe on any thread: sources take, the engine's thread
 * and the taps give back.
 */
public final class PixelPool {

  private final int size;
  private final ArrayBlockingQueue<float[]> free;
  private final AtomicLong allocated = new AtomicLong();

  /**
   * @param size floats per buffer (the model input's size)
   * @param capacity how many free buffers to keep at most
   */
  public PixelPool(int size, int capacity) {
    if (size <= 0 || capacity <= 0) {
      throw new IllegalArgumentException(
          "pixel pool: size " + size + " and capacity " + capacity + " must be positive");
    }
    this.size = size;
    this.free = new ArrayBlockingQueue<>(capacity);
  }

  /** A buffer for one frame, held once (by the caller); its old contents are undefined. */
  public PixelLease take() {
    float[] pixels = free.poll();
    if (pixels == null) {
      pixels = new float[size];
      allocated.incrementAndGet();
    }
    return new PixelLease(pixels, this);
  }

  /** How many buffers this pool has allocated: the peak number in use, bounded. */
  public long allocated() {
    return allocated.get();
  }

  /** Floats per buffer. */
  public int size() {
    return size;
  }

  void giveBack(float[] pixels) {
    free.offer(pixels);
  }
}
