package io.vigil.opencl;

import io.vigil.engine.tensor.Tensor;
import java.lang.ref.Cleaner;

/**
 * The storage of a device tensor: a {@code cl_mem} of {@code capacity} 4-byte values (floats, or
 * ints for an {@code IntTensor}). {@code hostInts} mirrors what was last uploaded into an int
 * buffer (class labels), so that labels can be checked on the host without a read-back; it is null
 * for buffers the device writes (max-pool switches).
 */
final class ClBuffer implements Tensor.Storage {

  private final long mem;
  private final int capacity;
  private final ClMemory memory;
  int[] hostInts;

  /** What frees the {@code cl_mem}, and whether its owner asked. */
  final ClMemory.Release release;

  /** Runs {@link #release} once: now ({@link ClMemory#free}) or when this is collected. */
  Cleaner.Cleanable cleanable;

  ClBuffer(long mem, int capacity, ClMemory memory, ClMemory.Release release) {
    this.mem = mem;
    this.capacity = capacity;
    this.memory = memory;
    this.release = release;
  }

  /** The owning tensor's close: the device memory goes now. */
  @Override
  public void free() {
    memory.free(this);
  }

  /** The {@code cl_mem} handle. */
  long mem() {
    return mem;
  }

  @Override
  public int capacity() {
    return capacity;
  }

  @Override
  public String toString() {
    return "cl_mem(" + capacity + " values)";
  }
}
