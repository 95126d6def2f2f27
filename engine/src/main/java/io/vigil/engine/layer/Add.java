package io.vigil.engine.layer;

import io.vigil.engine.backend.Backend;
import io.vigil.engine.tensor.Shape;
import io.vigil.engine.tensor.Tensor;
import java.util.List;

/**
 * Elementwise sum of inputs of one shape (the residual connection): {@code y = Σ_k x_k}; each
 * input's gradient is the output gradient, {@code dx_k = dy}.
 */
public final class Add extends MergeLayer {

  Add(String name, AddSpec spec, List<Shape> inputs, Backend backend) {
    super(name, spec, inputs, backend);
  }

  @Override
  public void forward(List<Tensor> ins, Tensor out, Scratch scratch, boolean training) {
    requireInputs(ins);
    backend.copy(ins.get(0), out);
    for (int k = 1; k < ins.size(); k++) {
      backend.axpy(1f, ins.get(k), out);
    }
  }

  @Override
  public void backward(
      List<Tensor> ins, Tensor out, Tensor dOut, List<Tensor> dIns, Scratch scratch) {
    for (Tensor dIn : dIns) {
      if (dIn != null) {
        backend.copy(dOut, dIn);
      }
    }
  }
}
