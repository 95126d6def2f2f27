package io.vigil.pipeline.frame;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A buffer goes back to its pool only when its last holder lets go, is then handed to the next
 * frame, and is never handed out twice at once; releasing too often fails instead.
 */
class PixelPoolTest {

  private static StreamItem.Frame frame(long index, PixelLease lease) {
    return new StreamItem.Frame("cam", index, 0, 0, 0, lease.pixels(), null, null, false, lease);
  }

  @Test
  void aReleasedBufferServesTheNextFrameSoASteadyStreamAllocatesOnce() {
    PixelPool pool = new PixelPool(784, 4);
    float[] first = pool.take().pixels();
    // Released at once by a holder that is done with it...
    PixelLease a = pool.take();
    a.release();
    for (int i = 0; i < 1000; i++) {
      StreamItem.Frame f = frame(i, pool.take());
      f.releasePixels();
    }
    // ... so the thousand frames after it shared one buffer.
    assertEquals(2, pool.allocated());
    assertSame(a.pixels(), pool.take().pixels());
    assertNotSame(first, a.pixels());
  }

  @Test
  void aBufferATapRetainedIsNotReusedUntilTheTapReleasesIt() {
    PixelPool pool = new PixelPool(4, 4);
    StreamItem.Frame f = frame(0, pool.take());
    f.pixels()[0] = 42;
    PixelLease kept = f.retainPixels();
    f.releasePixels(); // the pipeline is done: the batch has its copy
    assertEquals(1, kept.holders());
    PixelLease next = pool.take();
    assertNotSame(f.pixels(), next.pixels(), "still held by the tap");
    next.pixels()[0] = -1;
    assertEquals(42, kept.pixels()[0], "the tap's pixels are untouched by later frames");
    kept.release();
    assertEquals(0, kept.holders());
    assertSame(f.pixels(), pool.take().pixels(), "back in the pool once the tap let go");
  }

  @Test
  void releasingMoreOftenThanHeldFailsRatherThanShareABuffer() {
    PixelPool pool = new PixelPool(4, 4);
    StreamItem.Frame f = frame(0, pool.take());
    f.releasePixels();
    IllegalStateException twice = assertThrows(IllegalStateException.class, f::releasePixels);
    assertTrue(twice.getMessage().contains("released more often than it was held"));
    assertThrows(IllegalStateException.class, f::retainPixels);
    // The buffer is in the pool once, not twice: two takes get two buffers.
    assertNotSame(pool.take().pixels(), pool.take().pixels());
  }

  @Test
  void thePoolKeepsAtMostItsCapacityOfFreeBuffers() {
    PixelPool pool = new PixelPool(4, 2);
    List<PixelLease> burst = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      burst.add(pool.take());
    }
    burst.forEach(PixelLease::release);
    assertEquals(10, pool.allocated());
    // Two came back to stay; the third take after the burst allocates again.
    pool.take();
    pool.take();
    assertEquals(10, pool.allocated());
    pool.take();
    assertEquals(11, pool.allocated());
  }

  @Test
  void framesWithOwnPixelsOrNoneNeedNoPool() {
    float[] own = new float[4];
    StreamItem.Frame f = new StreamItem.Frame("cam", 0, 0, 0, 0, own);
    f.releasePixels(); // nothing to give back
    PixelLease kept = f.retainPixels();
    assertSame(own, kept.pixels());
    kept.release();
    assertNull(StreamItem.Frame.late("cam", 1, 0, 0, 0).retainPixels());
    PixelPool pool = new PixelPool(4, 2);
    PixelLease other = pool.take();
    IllegalArgumentException mismatch =
        assertThrows(
            IllegalArgumentException.class,
            () -> new StreamItem.Frame("cam", 2, 0, 0, 0, own, null, null, false, other));
    assertTrue(mismatch.getMessage().contains("frame 2 of cam"));
  }
}
