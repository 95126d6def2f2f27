package io.vigil.engine.layer;

import io.vigil.engine.backend.ActivationKind;
import io.vigil.engine.tensor.Tensor;

/**
 * A layer whose inference pass can end in the activation of the layer after it (a convolution or
 * fully connected layer followed by ReLU): its bias and the activation are applied in one pass, as
 * a {@link io.vigil.engine.backend.Epilogue}, and the activation layer is not run. The executor
 * fuses only where nothing else reads the product before its activation.
 */
public interface FusesActivation extends Layer {

  /**
   * The inference forward pass followed by {@code activation} (α = {@code alpha} for LeakyReLU);
   * the values are those of {@code forward(in, out, scratch, false)} followed by the activation.
   */
  void forwardInference(
      Tensor in, Tensor out, Scratch scratch, ActivationKind activation, float alpha);
}
