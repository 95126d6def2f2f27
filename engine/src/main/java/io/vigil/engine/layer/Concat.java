package io.vigil.engine.layer;

import io.vigil.engine.backend.Backend;
import io.vigil.engine.tensor.Shape;
import io.vigil.engine.tensor.Tensor;
import java.util.List;

/**
 * Concatenation along channels (Inception): inputs {@code C_k × H × W} give {@code (Σ C_k) × H ×
 * W}, input {@code k} in channels {@code [Σ_{j<k} C_j, Σ_{j≤k} C_j)}; backward hands each input its
 * slice of the output gradient.
 */
public final class Concat extends MergeLayer {

  Concat(String name, ConcatSpec spec, List<Shape> inputs, Backend backend) {
    super(name, spec, inputs, backend);
  }

  @Override
  public void forward(List<Tensor> ins, Tensor out, Scratch scratch, boolean training) {
    requireInputs(ins);
    int at = 0;
    for (Tensor in : ins) {
      int c = in.shape().c();
      backend.copyChannels(in, 0, out, at, c);
      at += c;
    }
  }

  @Override
  public void backward(
      List<Tensor> ins, Tensor out, Tensor dOut, List<Tensor> dIns, Scratch scratch) {
    int at = 0;
    for (int k = 0; k < ins.size(); k++) {
      int c = ins.get(k).shape().c();
      if (dIns.get(k) != null) {
        backend.copyChannels(dOut, at, dIns.get(k), 0, c);
      }
      at += c;
    }
  }
}
