package io.vigil.engine.layer;

import io.vigil.engine.backend.Backend;
import io.vigil.engine.backend.PoolKind;
import io.vigil.engine.backend.Window2d;
import io.vigil.engine.tensor.Shape;

/**
 * L2-norm pooling over {@code kernelH × kernelW} windows of each channel, with stride and zero
 * padding per axis: {@code y = sqrt(Σ_window x²)}; the gradient is {@code dx = dy·x/y} (0 where
 * {@code y = 0}). Output {@code C × H' × W'}, {@code H' = (H − kernelH + 2·padH)/strideH + 1},
 * which must be an integer; windows may overlap (3×3 / 2).
 */
public record L2Pool2dSpec(int kernelH, int kernelW, int strideH, int strideW, int padH, int padW)
    implements LayerSpec {

  /** Square window and stride, no padding. */
  public static L2Pool2dSpec of(int window, int stride) {
    return new L2Pool2dSpec(window, window, stride, stride, 0, 0);
  }

  Window2d window(String layerName, Shape input) {
    return WindowArithmetic.window(
        layerName, input, kernelH, kernelW, strideH, strideW, padH, padW, true);
  }

  @Override
  public Shape outputShape(String layerName, Shape input) {
    Window2d w = window(layerName, input);
    return new Shape(input.n(), input.c(), w.outH(), w.outW());
  }

  @Override
  public Layer create(String layerName, Shape input, Backend backend) {
    return new Pool2d(
        layerName, this, input, backend, PoolKind.L2, window(layerName, input.withBatch(1)));
  }
}
