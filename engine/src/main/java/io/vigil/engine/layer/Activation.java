package io.vigil.engine.layer;

import io.vigil.engine.backend.ActivationKind;
import io.vigil.engine.backend.Backend;
import io.vigil.engine.tensor.Shape;
import io.vigil.engine.tensor.Tensor;

/**
 * An elementwise nonlinearity (LeakyReLU, sigmoid, tanh): {@code y = f(x)}, {@code dx = f'(x)·dy};
 * the formulas are in {@link ActivationKind}. Output shape = input shape.
 */
public final class Activation extends AbstractLayer<LayerSpec> implements ElementwiseActivation {

  private final ActivationKind kind;
  private final float alpha;

  Activation(
      String name, LayerSpec spec, Shape input, Backend backend, ActivationKind kind, float alpha) {
    super(name, spec, input, backend);
    this.kind = kind;
    this.alpha = alpha;
  }

  @Override
  public ActivationKind kind() {
    return kind;
  }

  @Override
  public float alpha() {
    return alpha;
  }

  @Override
  public void forward(Tensor in, Tensor out, Scratch scratch, boolean training) {
    requireBatch(in, out);
    backend.activation(kind, alpha, in, out);
  }

  @Override
  public void backward(Tensor in, Tensor out, Tensor dOut, Tensor dIn, Scratch scratch) {
    if (dIn != null) {
      backend.activationBackward(kind, alpha, in, out, dOut, dIn);
    }
  }
}
