package io.vigil.engine.layer;

import io.vigil.engine.backend.Backend;
import io.vigil.engine.backend.Window2d;
import io.vigil.engine.tensor.Shape;

/**
 * A 2-D convolution (cross-correlation) with {@code filters} filters of {@code kernelH × kernelW}
 * over all input channels, one bias per filter, stride and zero padding per axis. Output: {@code
 * filters × H' × W'} with {@code H' = (H − kernelH + 2·padH)/strideH + 1} (likewise W'), which must
 * be an integer.
 */
public record Conv2dSpec(
    int filters, int kernelH, int kernelW, int strideH, int strideW, int padH, int padW)
    implements LayerSpec {

  public Conv2dSpec {
    if (filters < 1) {
      throw new IllegalArgumentException("conv2d: filters must be ≥ 1, got " + filters);
    }
  }

  /** Square kernel, same stride and padding on both axes. */
  public static Conv2dSpec of(int filters, int kernel, int stride, int pad) {
    return new Conv2dSpec(filters, kernel, kernel, stride, stride, pad, pad);
  }

  Window2d window(String layerName, Shape input) {
    return WindowArithmetic.window(
        layerName, input, kernelH, kernelW, strideH, strideW, padH, padW, false);
  }

  @Override
  public Shape outputShape(String layerName, Shape input) {
    Window2d w = window(layerName, input);
    return new Shape(input.n(), filters, w.outH(), w.outW());
  }

  @Override
  public Layer create(String layerName, Shape input, Backend backend) {
    return new Conv2d(layerName, this, input, backend);
  }
}
