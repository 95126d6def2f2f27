package io.vigil.engine.layer;

import io.vigil.engine.tensor.Tensor;
import java.util.Objects;

/**
 * A learnable tensor and its gradient, both of the same shape and backend. The name ({@code
 * conv1.weight}) keys it in model files. Backward passes add into {@link #grad}; the optimizer step
 * consumes and zeroes it.
 *
 * <p>The gradient is allocated, zero-filled, the first time it is asked for (the first backward
 * pass or optimizer step): a network that only serves predictions never trains, and its gradients
 * would double the memory its parameters hold on the backend.
 */
public final class Parameter implements AutoCloseable {

  private final String name;
  private final Tensor value;

  /** Written once under this object's lock; volatile so that readers see it allocated whole. */
  private volatile Tensor grad;

  /** A parameter over {@code value}, which it owns; its gradient comes from the same backend. */
  public Parameter(String name, Tensor value) {
    this.name = Objects.requireNonNull(name, "name");
    this.value = Objects.requireNonNull(value, "value");
  }

  public String name() {
    return name;
  }

  public Tensor value() {
    return value;
  }

  /** The gradient, allocated zero-filled on the value's backend on first use. */
  public Tensor grad() {
    Tensor g = grad;
    return g != null ? g : allocateGrad();
  }

  /** Whether a gradient has been allocated (training has touched this parameter). */
  public boolean hasGrad() {
    return grad != null;
  }

  private synchronized Tensor allocateGrad() {
    if (grad == null) {
      if (value.isClosed()) {
        throw new IllegalStateException(
            "parameter " + name + " " + value.shape() + " is closed: it has no gradient");
      }
      grad = value.owner().allocate(value.shape());
    }
    return grad;
  }

  /** Frees the value and the gradient, if one was allocated. */
  @Override
  public synchronized void close() {
    value.close();
    if (grad != null) {
      grad.close();
    }
  }

  @Override
  public String toString() {
    return "Parameter[" + name + " " + value.shape() + (grad != null ? ", with gradient]" : "]");
  }
}
