package io.vigil.engine.layer;

import io.vigil.engine.backend.ActivationKind;
import io.vigil.engine.backend.Backend;
import io.vigil.engine.tensor.Shape;
import io.vigil.engine.tensor.Tensor;

/**
 * {@code y = max(0, x)}; {@code dx = dy} where {@code y > 0}, else 0 (derivative 0 at the kink).
 */
public final class Relu extends AbstractLayer<ReluSpec> implements ElementwiseActivation {

  Relu(String name, ReluSpec spec, Shape input, Backend backend) {
    super(name, spec, input, backend);
  }

  @Override
  public ActivationKind kind() {
    return ActivationKind.RELU;
  }

  @Override
  public float alpha() {
    return 0f;
  }

  @Override
  public void forward(Tensor in, Tensor out, Scratch scratch, boolean training) {
    requireBatch(in, out);
    backend.activation(ActivationKind.RELU, 0f, in, out);
  }

  @Override
  public void backward(Tensor in, Tensor out, Tensor dOut, Tensor dIn, Scratch scratch) {
    if (dIn != null) {
      backend.activationBackward(ActivationKind.RELU, 0f, in, out, dOut, dIn);
    }
  }
}
