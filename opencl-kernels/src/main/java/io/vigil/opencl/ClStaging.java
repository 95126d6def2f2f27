package io.vigil.opencl;

import static io.vigil.opencl.ClErrors.check;
import static org.lwjgl.opencl.CL10.clReleaseEvent;
import static org.lwjgl.opencl.CL10.clWaitForEvents;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.lwjgl.system.MemoryUtil;

/**
 * The backend's host staging area for copies to and from the device, reused across copies, and the
 * one upload that may still be reading it. An upload returns once its values are in the staging
 * area, not once they are on the device: on PoCL a blocking write cost a host round trip (about 20
 * to 50 µs) before the first kernel of a forward could even be enqueued, a third of a LeNet-5
 * batch-1 inference. The queue is in order, so every later command sees the write; only the host
 * must not overwrite or free the area before the write has read it, which {@link #acquire} waits
 * for. Callers hold the backend's lock.
 */
final class ClStaging implements AutoCloseable {

  private ByteBuffer area = MemoryUtil.memAlloc(1 << 16);

  /** The event of the last non-blocking write from the area, or 0. */
  private long pendingWrite;

  /**
   * The area, cleared and in native order, with room for at least {@code bytes}, once no write
   * reads it any more.
   */
  ByteBuffer acquire(long bytes) {
    awaitWrite();
    if (bytes > area.capacity()) {
      MemoryUtil.memFree(area);
      area =
          MemoryUtil.memAlloc(
              (int) Math.min(Integer.MAX_VALUE, Math.max(bytes, 2L * area.capacity())));
    }
    area.clear().order(ByteOrder.nativeOrder());
    return area;
  }

  /** A non-blocking write that reads the area until {@code event} completes; takes the event. */
  void writing(long event) {
    awaitWrite();
    pendingWrite = event;
  }

  private void awaitWrite() {
    if (pendingWrite != 0) {
      long event = pendingWrite;
      pendingWrite = 0;
      int waited = clWaitForEvents(event);
      check(clReleaseEvent(event), "clReleaseEvent (upload)");
      check(waited, "clWaitForEvents (upload)");
    }
  }

  @Override
  public void close() {
    try {
      awaitWrite();
    } finally {
      MemoryUtil.memFree(area);
    }
  }
}
