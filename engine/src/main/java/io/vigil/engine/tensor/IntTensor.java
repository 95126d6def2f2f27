package io.vigil.engine.tensor;

import io.vigil.engine.backend.Backend;
import java.util.Objects;

/**
 * A flat buffer of int32 owned by one {@link Backend}: class labels of a batch and the max-pool
 * switches (the index of the winning input of each pooling window). A host one wraps an {@code
 * int[]}.
 */
public final class IntTensor {

  private final Backend owner;
  private final int length;
  private final Object storage;

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

  /** The backend's buffer ({@code int[]} for host tensors). */
  public Object storage() {
    return storage;
  }
}
