package io.vigil.engine.layer;

import io.vigil.engine.backend.Backend;
import io.vigil.engine.tensor.Shape;
import io.vigil.engine.tensor.Tensor;

/**
 * Softmax per image: {@code p_j = e^{x_j} / Σ_k e^{x_k}}; backward {@code dx_j = p_j·(dp_j − Σ_k
 * p_k·dp_k)}.
 */
public final class Softmax extends AbstractLayer<SoftmaxSpec> {

  Softmax(String name, SoftmaxSpec spec, Shape input, Backend backend) {
    super(name, spec, input, backend);
  }

  @Override
  public void forward(Tensor in, Tensor out, Scratch scratch, boolean training) {
    requireBatch(in, out);
    backend.softmax(in, out);
  }

  @Override
  public void backward(Tensor in, Tensor out, Tensor dOut, Tensor dIn, Scratch scratch) {
    if (dIn != null) {
      backend.softmaxBackward(out, dOut, dIn);
    }
  }
}
