package io.vigil.opencl;

import static org.lwjgl.opencl.CL10.*;

import java.lang.ref.Cleaner;
import java.nio.IntBuffer;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.lwjgl.system.MemoryStack;

/**
 * Allocates device buffers and frees them: when their {@link ClBuffer} becomes unreachable (the
 * engine's {@code Backend} has no explicit free; a {@link Cleaner} releases the {@code cl_mem}),
 * when their owner frees them ({@link #free}: the host staging of a batch in flight) or, for those
 * still alive, when the backend closes. Refuses an allocation that cannot fit with a message saying
 * how much was asked and how much the device has.
 */
final class ClMemory implements AutoCloseable {

  private static final Cleaner CLEANER = Cleaner.create();

  private final ClContext cl;
  private final Set<Long> live = ConcurrentHashMap.newKeySet();
  private final AtomicLong liveBytes = new AtomicLong();
  private volatile boolean closed;

  ClMemory(ClContext cl) {
    this.cl = cl;
  }

  /** A buffer of {@code values} 4-byte values; its contents are undefined until written. */
  ClBuffer allocate(int values) {
    // OpenCL rejects zero-sized buffers; an empty tensor still gets a valid handle.
    long bytes = 4L * Math.max(1, values);
    OpenClDevice d = cl.device();
    if (bytes > d.maxAllocationBytes() || liveBytes.get() + bytes > d.globalMemoryBytes()) {
      throw outOfMemory(bytes, null);
    }
    return create(values, CL_MEM_READ_WRITE, bytes, bytes);
  }

  /**
   * A buffer of {@code values} floats in host memory that the device copies from and to directly
   * ({@code CL_MEM_ALLOC_HOST_PTR}: the driver pins it, so a copy from it runs without the host
   * thread), to stage transfers through. It is host memory, so it is not counted against the
   * device's. Freed by {@link #free}, or like every buffer.
   */
  ClBuffer allocateHostStaging(int values) {
    long bytes = 4L * Math.max(1, values);
    return create(values, CL_MEM_READ_WRITE | CL_MEM_ALLOC_HOST_PTR, bytes, 0);
  }

  /** A new buffer of {@code bytes}, of which {@code counted} count against the device's memory. */
  private ClBuffer create(int values, long flags, long bytes, long counted) {
    if (closed) {
      throw new IllegalStateException("OpenCL backend on " + cl.device().name() + " is closed");
    }
    long mem;
    try (MemoryStack stack = MemoryStack.stackPush()) {
      IntBuffer status = stack.mallocInt(1);
      mem = clCreateBuffer(cl.context(), flags, bytes, status);
      int code = status.get(0);
      if (code == CL_MEM_OBJECT_ALLOCATION_FAILURE
          || code == CL_OUT_OF_RESOURCES
          || code == CL_OUT_OF_HOST_MEMORY) {
        throw outOfMemory(bytes, ClErrors.name(code));
      }
      ClErrors.check(mem, status, "clCreateBuffer(" + bytes + " bytes)");
    }
    ClBuffer buffer = new ClBuffer(mem, values);
    live.add(mem);
    liveBytes.addAndGet(counted);
    buffer.release = CLEANER.register(buffer, () -> release(mem, counted));
    return buffer;
  }

  /**
   * Frees {@code buffer} now instead of when it becomes unreachable; its handle must not be used
   * again. Freeing twice, or after the backend closed, does nothing.
   */
  void free(ClBuffer buffer) {
    buffer.release.clean();
  }

  /**
   * Refuses, before allocating, {@code bytes} more in buffers of at most {@code largestBuffer} (see
   * {@code Backend.checkFits}): the device's global memory less what this backend already holds,
   * and its largest single buffer.
   */
  void checkFits(Supplier<String> what, long bytes, long largestBuffer) {
    OpenClDevice d = cl.device();
    long held = liveBytes.get();
    if (held + bytes > d.globalMemoryBytes()) {
      throw new IllegalStateException(
          String.format(
              "%s does not fit on OpenCL device %s: it needs %s of device memory, and the device"
                  + " has %s of which this backend already holds %s",
              what.get(), d.name(), size(bytes), size(d.globalMemoryBytes()), size(held)));
    }
    if (largestBuffer > d.maxAllocationBytes()) {
      throw new IllegalStateException(
          String.format(
              "%s does not fit on OpenCL device %s: its largest buffer needs %s, and the device"
                  + " allows at most %s in one buffer (CL_DEVICE_MAX_MEM_ALLOC_SIZE)",
              what.get(), d.name(), size(largestBuffer), size(d.maxAllocationBytes())));
    }
  }

  private static String size(long bytes) {
    return String.format("%,d bytes (%.1f MiB)", bytes, bytes / 1048576.0);
  }

  private ClException outOfMemory(long bytes, String code) {
    OpenClDevice d = cl.device();
    return new ClException(
        String.format(
            "out of memory on OpenCL device %s: asked for %,d bytes (%.1f MiB)%s; the device has"
                + " %,d bytes (%.1f GiB) of which this backend holds %,d in %d buffers, and"
                + " allows at most %,d bytes in one buffer",
            d.name(),
            bytes,
            bytes / 1048576.0,
            code == null ? "" : " (" + code + ")",
            d.globalMemoryBytes(),
            d.globalMemoryBytes() / (double) (1L << 30),
            liveBytes.get(),
            live.size(),
            d.maxAllocationBytes()),
        CL_MEM_OBJECT_ALLOCATION_FAILURE);
  }

  private void release(long mem, long bytes) {
    // After close() the context's buffers were already released together.
    if (live.remove(mem)) {
      liveBytes.addAndGet(-bytes);
      ClErrors.check(clReleaseMemObject(mem), "clReleaseMemObject");
    }
  }

  /** Bytes held by buffers still alive. */
  long liveBytes() {
    return liveBytes.get();
  }

  @Override
  public void close() {
    closed = true;
    int first = 0;
    for (Long mem : live) {
      if (live.remove(mem)) {
        int status = clReleaseMemObject(mem);
        first = first != 0 ? first : status;
      }
    }
    liveBytes.set(0);
    ClErrors.check(first, "clReleaseMemObject");
  }
}
