package io.vigil.engine.backend;

import io.vigil.engine.tensor.Tensor;

/**
 * What happens to a product on its way out at inference, in one pass instead of one op each: a
 * per-channel bias (null: none), then batch normalisation with fixed statistics ({@code norm};
 * null: none), then an elementwise activation (null: none; {@code alpha} is LeakyReLU's α). A
 * convolution or fully connected layer followed by its batch norm and activation is the common
 * case: fused, the output is read and written once, and a device backend launches one kernel
 * instead of several. The values are those of {@link Backend#addChannelBias}, {@link
 * Backend#batchNormForward} and {@link Backend#activation} in turn, bit for bit.
 */
public record Epilogue(Tensor bias, Normalisation norm, ActivationKind activation, float alpha) {

  /** Nothing to do: the product is the output. */
  public static final Epilogue NONE = new Epilogue(null, null, null, 0f);

  /** A bias then an activation, without normalisation. */
  public Epilogue(Tensor bias, ActivationKind activation, float alpha) {
    this(bias, null, activation, alpha);
  }

  /** A bias alone ({@code bias} may be null: nothing). */
  public static Epilogue bias(Tensor bias) {
    return new Epilogue(bias, null, null, 0f);
  }

  /** This epilogue followed by {@code kind} (α = {@code alpha} for LeakyReLU; null: nothing). */
  public Epilogue then(ActivationKind kind, float alpha) {
    if (activation != null) {
      throw new IllegalStateException("epilogue already ends in " + activation);
    }
    return new Epilogue(bias, norm, kind, alpha);
  }

  /** This epilogue with {@code normalisation} after the bias (null: nothing). */
  public Epilogue normalised(Normalisation normalisation) {
    if (activation != null || norm != null) {
      throw new IllegalStateException("the normalisation comes after the bias and only once");
    }
    return new Epilogue(bias, normalisation, null, 0f);
  }

  /** This epilogue without its bias. */
  public Epilogue withoutBias() {
    return new Epilogue(null, norm, activation, alpha);
  }

  /** True when there is nothing to do. */
  public boolean isEmpty() {
    return bias == null && norm == null && activation == null;
  }
}
