package io.vigil.engine.layer;

import io.vigil.engine.backend.Backend;
import io.vigil.engine.backend.Window2d;
import io.vigil.engine.tensor.Shape;

/**
 * A locally-connected layer (CS231n: a convolution without parameter sharing): like {@link
 * Conv2dSpec}, {@code filters} filters of {@code C × kernelH × kernelW} slide with stride and zero
 * padding, but every output position {@code q} has its own weights and each output value its own
 * bias. Output {@code filters × H' × W'} with the convolution's {@code H' = (H − kernelH +
 * 2·padH)/strideH + 1}; parameters {@code H'·W'·filters·C·kH·kW} weights and {@code filters·H'·W'}
 * biases.
 */
public record LocallyConnected2dSpec(
    int filters, int kernelH, int kernelW, int strideH, int strideW, int padH, int padW)
    implements LayerSpec {

  public LocallyConnected2dSpec {
    if (filters < 1) {
      throw new IllegalArgumentException(
          "locally_connected2d: filters must be ≥ 1, got " + filters);
    }
  }

  /** Square kernel, same stride and padding on both axes. */
  public static LocallyConnected2dSpec of(int filters, int kernel, int stride, int pad) {
    return new LocallyConnected2dSpec(filters, kernel, kernel, stride, stride, pad, pad);
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
    return new LocallyConnected2d(layerName, this, input, backend);
  }
}
