package io.vigil.engine.layer;

import io.vigil.engine.backend.Backend;
import io.vigil.engine.tensor.Shape;
import io.vigil.engine.tensor.Tensor;

/** {@code n × C × H × W → n × (C·H·W) × 1 × 1}; a copy in NCHW order each way. */
public final class Flatten extends AbstractLayer<FlattenSpec> {

  Flatten(String name, FlattenSpec spec, Shape input, Backend backend) {
    super(name, spec, input, backend);
  }

  @Override
  public void forward(Tensor in, Tensor out, Scratch scratch, boolean training) {
    requireBatch(in, out);
    backend.copy(in, out);
  }

  @Override
  public void backward(Tensor in, Tensor out, Tensor dOut, Tensor dIn, Scratch scratch) {
    if (dIn != null) {
      backend.copy(dOut, dIn);
    }
  }
}
