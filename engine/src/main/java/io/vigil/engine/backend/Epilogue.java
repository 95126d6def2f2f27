package io.vigil.engine.backend;

import io.vigil.engine.tensor.Tensor;

/**
 * What happens to a product on its way out at inference, in one pass instead of one op each: a
 * per-channel bias (null: none), then an elementwise activation (null: none; {@code alpha} is
 * LeakyReLU's α). A convolution or fully connected layer followed by its activation is the common
 * case: fused, the output is read and written once, and a device backend launches one kernel
 * instead of two. The values are those of {@link Backend#addChannelBias} followed by {@link
 * Backend#activation}, bit for bit.
 */
public record Epilogue(Tensor bias, ActivationKind activation, float alpha) {

  /** Nothing to do: the product is the output. */
  public static final Epilogue NONE = new Epilogue(null, null, 0f);

  /** A bias alone ({@code bias} may be null: nothing). */
  public static Epilogue bias(Tensor bias) {
    return new Epilogue(bias, null, 0f);
  }

  /** This epilogue followed by {@code kind} (α = {@code alpha} for LeakyReLU). */
  public Epilogue then(ActivationKind kind, float alpha) {
    if (activation != null) {
      throw new IllegalStateException("epilogue already ends in " + activation);
    }
    return new Epilogue(bias, kind, alpha);
  }

  /** True when there is neither bias nor activation. */
  public boolean isEmpty() {
    return bias == null && activation == null;
  }
}
