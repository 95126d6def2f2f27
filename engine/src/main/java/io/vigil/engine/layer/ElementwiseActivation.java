package io.vigil.engine.layer;

import io.vigil.engine.backend.ActivationKind;

/**
 * A layer that is one elementwise activation, {@code out = f(in)}, and can therefore be folded into
 * the layer before it at inference ({@link FusesEpilogue}).
 */
public interface ElementwiseActivation extends Layer {

  ActivationKind kind();

  /** LeakyReLU's α; 0 for the others. */
  float alpha();
}
