package io.vigil.engine.layer;

import io.vigil.engine.backend.ActivationKind;
import io.vigil.engine.backend.Normalisation;
import io.vigil.engine.tensor.Tensor;

/**
 * A layer whose inference pass can end in the work of the layers after it (a convolution or fully
 * connected layer followed by batch norm and ReLU): its bias, the normalisation and the activation
 * are applied in one pass, as an {@link io.vigil.engine.backend.Epilogue}, and those layers are not
 * run. The executor folds only where nothing else reads the values in between ({@link
 * io.vigil.engine.network.InferenceFusion}).
 */
public interface FusesEpilogue extends Layer {

  /**
   * The inference forward pass followed by {@code norm} (null: none) and {@code activation} (null:
   * none; α = {@code alpha} for LeakyReLU); the values are those of {@code forward(in, out,
   * scratch, false)} followed by those layers'.
   */
  void forwardInference(
      Tensor in,
      Tensor out,
      Scratch scratch,
      Normalisation norm,
      ActivationKind activation,
      float alpha);
}
