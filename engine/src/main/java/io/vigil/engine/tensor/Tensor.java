package io.vigil.engine.tensor;

import io.vigil.engine.backend.Backend;
import java.util.Objects;

/**
 * A float32 tensor of a given {@link Shape} (NCHW, dense, row-major) stored in a buffer owned by
 * one {@link Backend}. A host tensor wraps a flat {@code float[]}; a device tensor wraps a device
 * buffer. A tensor may be a view of the first {@code shape.size()} values of a larger buffer (from
 * {@code offset}), which is how a network reuses buffers sized for its largest batch.
 *
 * <p>Data moves between backends only through the backend's explicit upload/download ops.
 */
public final class Tensor {

  /** What holds the values. Backends define their own; {@link HostStorage} is the CPU one. */
  public interface Storage {
    /** Number of floats the buffer holds. */
    int capacity();
  }

  /** A heap {@code float[]}, the storage of host tensors. */
  public record HostStorage(float[] data) implements Storage {
    @Override
    public int capacity() {
      return data.length;
    }
  }

  private final Backend owner;
  private final Shape shape;
  private final Storage storage;
  private final int offset;

  /** Bumped by {@link #changed}: which values {@link #derived} was computed from. */
  private volatile long version;

  private volatile Derived derived;

  /** A value computed from this tensor's values at {@code version}. */
  private record Derived(long version, Object value) {}

  public Tensor(Backend owner, Shape shape, Storage storage, int offset) {
    this.owner = Objects.requireNonNull(owner, "owner");
    this.shape = Objects.requireNonNull(shape, "shape");
    this.storage = Objects.requireNonNull(storage, "storage");
    this.offset = offset;
    if (offset < 0 || (long) offset + shape.size() > storage.capacity()) {
      throw new IllegalArgumentException(
          "tensor of shape "
              + shape
              + " at offset "
              + offset
              + " does not fit a buffer of "
              + storage.capacity()
              + " floats");
    }
  }

  public Backend owner() {
    return owner;
  }

  public Shape shape() {
    return shape;
  }

  public Storage storage() {
    return storage;
  }

  /** Index of this tensor's first value in its storage. */
  public int offset() {
    return offset;
  }

  /** Number of values: {@code shape().size()}. */
  public int size() {
    return shape.size();
  }

  /** A view of the same buffer with another shape that fits from the same offset. */
  public Tensor view(Shape newShape) {
    return newShape.equals(shape) ? this : new Tensor(owner, newShape, storage, offset);
  }

  /** A view of the first {@code batch} images. */
  public Tensor firstImages(int batch) {
    return view(shape.withBatch(batch));
  }

  /** A view of {@code count} images from image {@code first}. */
  public Tensor images(int first, int count) {
    if (first < 0 || count < 1 || first + count > shape.n()) {
      throw new IllegalArgumentException(
          "images " + first + " to " + (first + count) + " outside a batch of " + shape.n());
    }
    return new Tensor(owner, shape.withBatch(count), storage, offset + first * shape.perImage());
  }

  /**
   * How many times {@link #changed} was called: the backends call it from every op that overwrites
   * a tensor's values from outside a layer's forward or backward pass (upload, copy, fill, the
   * optimizer updates), which are the ops that change parameters. Layer outputs are not counted.
   */
  public long version() {
    return version;
  }

  /** Marks the values changed: anything {@link #derived} from them is dropped. */
  public void changed() {
    version++;
    derived = null;
  }

  /**
   * A value a backend computed from this tensor's values and kept with it (a convolution's
   * transformed filters, which only change when the weights do), if it was computed from the values
   * as they are now ({@link #version} unchanged since); else null. The tensor holds it, so it lives
   * no longer than the weights it came from.
   */
  public Object derived() {
    Derived d = derived;
    return d != null && d.version() == version ? d.value() : null;
  }

  /**
   * Keeps {@code value}, computed from this tensor's values at {@code version} (read before the
   * computation began: a change during it leaves the value stale, and so never returned).
   */
  public void keepDerived(long version, Object value) {
    derived = new Derived(version, value);
  }

  @Override
  public String toString() {
    return "Tensor[" + shape + " on " + owner.name() + "]";
  }
}
