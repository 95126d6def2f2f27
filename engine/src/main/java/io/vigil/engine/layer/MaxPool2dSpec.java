package io.vigil.engine.layer;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.vigil.engine.backend.Backend;
import io.vigil.engine.backend.Window2d;
import io.vigil.engine.tensor.Shape;

/**
 * Max pooling over {@code kernelH × kernelW} windows of each channel, with stride and zero padding
 * (padding never wins) per axis. Output {@code C × H' × W'}, {@code H' = (H − kernelH +
 * 2·padH)/strideH + 1}, which must be an integer unless {@code rounding} says otherwise ({@link
 * Rounding}; optional in JSON, left out when exact).
 */
public record MaxPool2dSpec(
    int kernelH,
    int kernelW,
    int strideH,
    int strideW,
    int padH,
    int padW,
    @JsonInclude(value = JsonInclude.Include.CUSTOM, valueFilter = Rounding.ExactFilter.class)
        Rounding rounding)
    implements LayerSpec {

  public MaxPool2dSpec {
    rounding = rounding == null ? Rounding.EXACT : rounding;
  }

  /** Exact rounding: the window must tile the padded input. */
  public MaxPool2dSpec(int kernelH, int kernelW, int strideH, int strideW, int padH, int padW) {
    this(kernelH, kernelW, strideH, strideW, padH, padW, Rounding.EXACT);
  }

  /** Square window and stride, no padding (e.g. 2/2, or AlexNet's overlapping 3/2). */
  public static MaxPool2dSpec of(int window, int stride) {
    return new MaxPool2dSpec(window, window, stride, stride, 0, 0);
  }

  /** This pooling with {@code pad} zero padding on every side. */
  public MaxPool2dSpec withPadding(int pad) {
    return new MaxPool2dSpec(kernelH, kernelW, strideH, strideW, pad, pad, rounding);
  }

  /** This pooling with another {@link Rounding} of its output size. */
  public MaxPool2dSpec withRounding(Rounding newRounding) {
    return new MaxPool2dSpec(kernelH, kernelW, strideH, strideW, padH, padW, newRounding);
  }

  Window2d window(String layerName, Shape input) {
    return WindowArithmetic.window(
        layerName, input, kernelH, kernelW, strideH, strideW, padH, padW, 1, 1, true, rounding);
  }

  @Override
  public Shape outputShape(String layerName, Shape input) {
    Window2d w = window(layerName, input);
    return new Shape(input.n(), input.c(), w.outH(), w.outW());
  }

  @Override
  public Layer create(String layerName, Shape input, Backend backend) {
    return new MaxPool2d(layerName, this, input, backend);
  }
}
