package io.vigil.pipeline.frame;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The holders of one frame's pixel buffer: the pipeline, which releases it once the pixels are
 * copied into a batch (or the frame is dropped), and any tap that keeps the pixels past its call,
 * which {@link #retain retains} it first and releases it when done. When the last holder releases,
 * the buffer goes back to its {@link PixelPool}, to be overwritten by a later frame; so nobody may
 * read the pixels after releasing. Releasing more often than holding is a bug and fails loudly
 * rather than hand one buffer to two frames.
 */
public final class PixelLease {

  private final float[] pixels;
  private final PixelPool pool;
  private final AtomicInteger holders = new AtomicInteger(1);

  PixelLease(float[] pixels, PixelPool pool) {
    this.pixels = pixels;
    this.pool = pool;
  }

  /** A lease on pixels that belong to no pool: releasing it only counts. */
  public static PixelLease unpooled(float[] pixels) {
    return new PixelLease(pixels, null);
  }

  /** The buffer; valid while this holder has not released it. */
  public float[] pixels() {
    return pixels;
  }

  /** One more holder; release once for each retain. */
  public PixelLease retain() {
    int before = holders.getAndUpdate(h -> h == 0 ? 0 : h + 1);
    if (before == 0) {
      throw new IllegalStateException(
          "pixel buffer of "
              + pixels.length
              + " floats retained after its last holder released it");
    }
    return this;
  }

  /** One holder less; the last one sends the buffer back to its pool. */
  public void release() {
    int left = holders.getAndUpdate(h -> h == 0 ? 0 : h - 1) - 1;
    if (left < 0) {
      throw new IllegalStateException(
          "pixel buffer of " + pixels.length + " floats released more often than it was held");
    }
    if (left == 0 && pool != null) {
      pool.giveBack(pixels);
    }
  }

  /** How many hold the buffer now (0 once it is back in the pool). */
  public int holders() {
    return holders.get();
  }
}
