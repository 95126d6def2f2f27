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
 * Allocates device buffers and frees them: when their owner frees them ({@link #free}: a tensor's
 * {@code close}, the host staging of a batch in flight, scratch the backend outgrew) or, for those
 * still alive, when the backend closes. A {@link Cleaner} stays as a leak net: a buffer whose
 * {@link ClBuffer} becomes unreachable without being freed is released then, and reported ({@link
 * ClLeakNet}). Refuses an allocation that cannot fit with a message saying how much was asked and
 * how much the device has.
 *
 * <p>Device memory is counted twice: {@link #liveBytes} is every device buffer alive, {@link
 * #tensorBytes} only the tensors' (not the scratch the backend keeps for itself), which is what the
 * owners of tensors must give back.
 */
final class ClMemory implements AutoCloseable {

  private static final Cleaner CLEANER = Cleaner.create();

  private final ClContext cl;
  private final Set<Long> live = ConcurrentHashMap.newKeySet();
  private final AtomicLong liveBytes = new AtomicLong();
  private final AtomicLong tensorBytes = new AtomicLong();
  private final ClLeakNet leaks;
  private volatile boolean closed;

  ClMemory(ClContext cl) {
    this.cl = cl;
    this.leaks = new ClLeakNet("OpenCL device " + cl.device().name());
  }

  /**
   * The buffer of a tensor, {@code values} 4-byte values, contents undefined until written; {@code
   * what} names it if it leaks.
   */
  ClBuffer allocateTensor(int values, String what) {
    return allocateDevice(values, what, true);
  }

  /**
   * A buffer the backend keeps for itself (GEMM panels, loss rows), freed by its holder when it
   * outgrows it and by {@link #close}; not counted in {@link #tensorBytes}.
   */
  ClBuffer allocateScratch(int values, String what) {
    return allocateDevice(values, what, false);
  }

  private ClBuffer allocateDevice(int values, String what, boolean tensor) {
    // OpenCL rejects zero-sized buffers; an empty tensor still gets a valid handle.
    long bytes = 4L * Math.max(1, values);
    OpenClDevice d = cl.device();
    if (bytes > d.maxAllocationBytes() || liveBytes.get() + bytes > d.globalMemoryBytes()) {
      throw outOfMemory(bytes, null);
    }
    return create(values, CL_MEM_READ_WRITE, bytes, bytes, tensor, what);
  }

  /**
   * A buffer of {@code values} floats in host memory that the device copies from and to directly
   * ({@code CL_MEM_ALLOC_HOST_PTR}: the driver pins it, so a copy from it runs without the host
   * thread), to stage transfers through. It is host memory, so it is not counted against the
   * device's. Freed by {@link #free}, or like every buffer.
   */
  ClBuffer allocateHostStaging(int values) {
    long bytes = 4L * Math.max(1, values);
    return create(
        values, CL_MEM_READ_WRITE | CL_MEM_ALLOC_HOST_PTR, bytes, 0, false, "host staging");
  }

  /**
   * A new buffer of {@code bytes}, of which {@code counted} count against the device's memory (and
   * against the tensors' when {@code tensor}).
   */
  private ClBuffer create(
      int values, long flags, long bytes, long counted, boolean tensor, String what) {
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
    Release release = new Release(this, mem, counted, tensor, what, bytes);
    ClBuffer buffer = new ClBuffer(mem, values, this, release);
    live.add(mem);
    liveBytes.addAndGet(counted);
    if (tensor) {
      tensorBytes.addAndGet(counted);
    }
    buffer.cleanable = CLEANER.register(buffer, release);
    return buffer;
  }

  /**
   * Frees {@code buffer} now; its handle must not be used again. Freeing twice, or after the
   * backend closed, does nothing. (OpenCL keeps the memory until the kernels already enqueued on it
   * have run.)
   */
  void free(ClBuffer buffer) {
    buffer.release.byOwner = true;
    buffer.cleanable.clean();
  }

  /**
   * Releases one buffer, once: run by {@link #free} or, if its owner never freed it, by the
   * cleaner, which then reports the leak. Holds no reference to the {@link ClBuffer}.
   */
  static final class Release implements Runnable {
    private final ClMemory memory;
    private final long mem;
    private final long counted;
    private final boolean tensor;
    private final String what;
    private final long bytes;
    volatile boolean byOwner;

    Release(ClMemory memory, long mem, long counted, boolean tensor, String what, long bytes) {
      this.memory = memory;
      this.mem = mem;
      this.counted = counted;
      this.tensor = tensor;
      this.what = what;
      this.bytes = bytes;
    }

    @Override
    public void run() {
      boolean released = memory.release(mem, counted, tensor);
      if (released && !byOwner) {
        memory.leaks.report(what, bytes);
      }
    }
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

  /** Whether this released {@code mem}: after close() the context's buffers went together. */
  private boolean release(long mem, long bytes, boolean tensor) {
    if (!live.remove(mem)) {
      return false;
    }
    liveBytes.addAndGet(-bytes);
    if (tensor) {
      tensorBytes.addAndGet(-bytes);
    }
    ClErrors.check(clReleaseMemObject(mem), "clReleaseMemObject");
    return true;
  }

  /** Bytes of device memory held by buffers still alive. */
  long liveBytes() {
    return liveBytes.get();
  }

  /** Bytes of device memory held by tensors not yet closed (nor collected). */
  long tensorBytes() {
    return tensorBytes.get();
  }

  /** Buffers the leak net freed because their owner never did. */
  long leakedBuffers() {
    return leaks.count();
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
    tensorBytes.set(0);
    ClErrors.check(first, "clReleaseMemObject");
  }
}
