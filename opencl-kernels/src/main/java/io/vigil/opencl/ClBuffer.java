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
  int[] hostInts;

  /** Releases the {@code cl_mem} once, now ({@link ClMemory#free}) or when this is collected. */
  Cleaner.Cleanable release;

  ClBuffer(long mem, int capacity) {
    this.mem = mem;
    this.capacity = capacity;
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
