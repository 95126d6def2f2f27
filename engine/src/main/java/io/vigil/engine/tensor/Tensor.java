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
 *
 * <p><b>Ownership.</b> A tensor made by {@link Backend#allocate} (or this class's constructor) owns
 * its buffer and has one owner (a network's layers, an executor, a predictor, a trainer's pass or
 * optimizer, a {@link TensorScope}), which calls {@link #close} when done: the buffer is freed then
 * ({@link Storage#free}), not when the garbage collector finds it. Views ({@link #view}, {@link
 * #firstImages}, {@link #images}) borrow their tensor's buffer: closing a view does nothing, and a
 * view of a closed tensor is closed too. Close is idempotent; a closed tensor refuses {@link
 * #storage}, so every op on it fails with an {@link IllegalStateException} naming it.
 */
public final class Tensor implements AutoCloseable {

  /** What holds the values. Backends define their own; {@link HostStorage} is the CPU one. */
  public interface Storage {
    /** Number of floats the buffer holds. */
    int capacity();

    /**
     * Frees what the buffer holds outside the Java heap (device memory); called once, by the owning
     * tensor's {@link Tensor#close}. Heap arrays need nothing: the default does nothing.
     */
    default void free() {}
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

  /** The tensor that owns the buffer: this one, or the one this is a view of. */
  private final Tensor root;

  /** Set once by {@link #close} on the root; views read the root's. */
  private volatile boolean closed;

  /** Bumped by {@link #changed}: which values {@link #derived} was computed from. */
  private volatile long version;

  private volatile Derived derived;

  /** A value computed from this tensor's values at {@code version}. */
  private record Derived(long version, Object value) {}

  /** A tensor that owns {@code storage}: its {@link #close} frees it. */
  public Tensor(Backend owner, Shape shape, Storage storage, int offset) {
    this(owner, shape, storage, offset, null);
  }

  private Tensor(Backend owner, Shape shape, Storage storage, int offset, Tensor root) {
    this.root = root == null ? this : root;
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

  /**
   * The buffer the backend's ops read and write.
   *
   * @throws IllegalStateException when the tensor (or the tensor this is a view of) is closed
   */
  public Storage storage() {
    if (root.closed) {
      throw new IllegalStateException(this + " is closed: its buffer was freed by its owner");
    }
    return storage;
  }

  /** Whether {@link #close} freed the buffer (of this tensor, or of the one this is a view of). */
  public boolean isClosed() {
    return root.closed;
  }

  /**
   * Frees the buffer now (and anything {@link #derived} from the values); later ops on this tensor
   * or its views fail. Does nothing on a view (it owns no buffer) or a second time.
   */
  @Override
  public void close() {
    dropDerived();
    if (root != this) {
      return;
    }
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    storage.free();
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
    return newShape.equals(shape) ? this : new Tensor(owner, newShape, storage, offset, root);
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
    return new Tensor(
        owner, shape.withBatch(count), storage, offset + first * shape.perImage(), root);
  }

  /**
   * How many times {@link #changed} was called: the backends call it from every op that overwrites
   * a tensor's values from outside a layer's forward or backward pass (upload, copy, fill, the
   * optimizer updates), which are the ops that change parameters. Layer outputs are not counted.
   */
  public long version() {
    return version;
  }

  /** Marks the values changed: anything {@link #derived} from them is dropped (and closed). */
  public void changed() {
    version++;
    dropDerived();
  }

  /**
   * A value a backend computed from this tensor's values and kept with it (a convolution's
   * transformed filters, which only change when the weights do), if it was computed from the values
   * as they are now ({@link #version} unchanged since); else null. The tensor holds it, so it lives
   * no longer than the weights it came from: a value that is {@link AutoCloseable} (device tensors
   * of transformed filters) is closed when it is dropped, replaced or its tensor closed. A backend
   * whose kept values hold its memory must read and replace them under its own lock, so that none
   * is closed while an op uses it.
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
    Derived old = derived;
    derived = new Derived(version, value);
    if (old != null && old.value() != value) {
      closeDerived(old);
    }
  }

  private void dropDerived() {
    Derived old = derived;
    derived = null;
    closeDerived(old);
  }

  private static void closeDerived(Derived d) {
    if (d != null && d.value() instanceof AutoCloseable c) {
      try {
        c.close();
      } catch (Exception e) {
        throw new IllegalStateException("cannot free a value kept with a tensor: " + e, e);
      }
    }
  }

  @Override
  public String toString() {
    return "Tensor[" + shape + " on " + owner.name() + "]";
  }
}
