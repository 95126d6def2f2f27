package io.vigil.engine.tensor;

import java.util.ArrayList;
import java.util.List;

/**
 * What one owner allocated and frees together: {@link #add} takes a tensor (or anything closeable
 * that holds tensors, such as a layer's scratch) and hands it back, {@link #close} closes all of
 * them in reverse order. An owner keeps one for its buffers ({@code NetworkExecutor}, {@code
 * Predictor}, a training pass); a method that allocates temporaries opens one in a
 * try-with-resources block.
 *
 * <p>Closing is idempotent; a failure to close one resource does not stop the others, and the first
 * failure is thrown with the later ones suppressed. Adding to a closed scope closes what is added
 * and refuses it, so nothing escapes the scope's lifetime. Thread-safe.
 */
public final class TensorScope implements AutoCloseable {

  private final List<AutoCloseable> owned = new ArrayList<>();
  private boolean closed;

  /** Takes {@code resource} into the scope and returns it. */
  public synchronized <T extends AutoCloseable> T add(T resource) {
    if (closed) {
      closeOne(resource, null);
      throw new IllegalStateException("tensor scope is closed; " + resource + " was freed");
    }
    owned.add(resource);
    return resource;
  }

  /** Closes everything added, last first. */
  @Override
  public void close() {
    List<AutoCloseable> all;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      all = new ArrayList<>(owned);
      owned.clear();
    }
    RuntimeException first = null;
    for (int i = all.size() - 1; i >= 0; i--) {
      first = closeOne(all.get(i), first);
    }
    if (first != null) {
      throw first;
    }
  }

  private static RuntimeException closeOne(AutoCloseable resource, RuntimeException first) {
    try {
      resource.close();
      return first;
    } catch (Exception e) {
      RuntimeException failure =
          e instanceof RuntimeException r
              ? r
              : new IllegalStateException("cannot free " + resource + ": " + e, e);
      if (first == null) {
        return failure;
      }
      first.addSuppressed(failure);
      return first;
    }
  }
}
