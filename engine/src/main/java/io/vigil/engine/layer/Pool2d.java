package io.vigil.engine.layer;

import io.vigil.engine.backend.Backend;
import io.vigil.engine.backend.PoolKind;
import io.vigil.engine.backend.Window2d;
import io.vigil.engine.tensor.Shape;
import io.vigil.engine.tensor.Tensor;

/**
 * Average or L2-norm pooling, channel by channel, over the windows of a {@link Window2d}: the
 * formulas and their gradients are in {@link PoolKind}. No parameters, no switches.
 */
public final class Pool2d extends AbstractLayer<LayerSpec> {

  private final PoolKind kind;
  private final Window2d window;

  Pool2d(String name, LayerSpec spec, Shape input, Backend backend, PoolKind kind, Window2d w) {
    super(name, spec, input, backend);
    this.kind = kind;
    this.window = w;
  }

  @Override
  public void forward(Tensor in, Tensor out, Scratch scratch, boolean training) {
    requireBatch(in, out);
    backend.poolForward(kind, in, window, out);
  }

  @Override
  public void backward(Tensor in, Tensor out, Tensor dOut, Tensor dIn, Scratch scratch) {
    if (dIn != null) {
      backend.poolBackward(kind, in, out, dOut, window, dIn);
    }
  }
}
