package io.vigil.engine.tensor;

import io.vigil.engine.backend.Backend;
import java.util.Objects;

/**
 * A flat buffer of int32 owned by one {@link Backend}: class labels of a batch and the max-pool
 * switches (the index of the winning input of each pooling window). A host one wraps an {@code
 * int[]}.
 *
 * <p>Owned and closed like a {@link Tensor}: {@link #close} frees the buffer (when the storage is a
 * {@link Tensor.Storage}, through its {@link Tensor.Storage#free}); a closed one refuses {@link
 * #storage}.
 */
public final class IntTensor implements AutoCloseable {

  private final Backend owner;
  private final int length;
  private final Object storage;
  private volatile boolean closed;

  public IntTensor(Backend owner, int length, Object storage) {
    this.owner = Objects.requireNonNull(owner, "owner");
    this.storage = Objects.requireNonNull(storage, "storage");
    if (length < 0) {
      throw new IllegalArgumentException("int tensor: negative length " + length);
    }
    this.length = length;
  }

  public Backend owner() {
    return owner;
  }

  /** Number of ints the buffer holds. */
  public int length() {
    return length;
  }

  /**
   * The backend's buffer ({@code int[]} for host tensors).
   *
   * @throws IllegalStateException when the tensor is closed
   */
  public Object storage() {
    if (closed) {
      throw new IllegalStateException(this + " is closed: its buffer was freed by its owner");
    }
    return storage;
  }

  /** Whether {@link #close} freed the buffer. */
  public boolean isClosed() {
    return closed;
  }

  /** Frees the buffer now; later ops on this tensor fail. Does nothing a second time. */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    if (storage instanceof Tensor.Storage s) {
      s.free();
    }
  }

  @Override
  public String toString() {
    return "IntTensor[" + length + " on " + owner.name() + "]";
  }
}
