package io.vigil.engine.layer;

import io.vigil.engine.backend.Backend;
import io.vigil.engine.backend.Window2d;
import io.vigil.engine.tensor.Shape;

/**
 * Transposed (fractionally strided) convolution: the adjoint of a {@link Conv2dSpec} convolution
 * with the same kernel, stride, padding and dilation that maps {@code filters} channels of {@code
 * H_out × W_out} to the {@code C} input channels of this layer. Its forward pass is that
 * convolution's backward pass to the input ({@code y = col2im(Wᵀ·x)}), so it scales {@code H} up to
 *
 * <pre>
 *   H_out = (H − 1)·strideH − 2·padH + dilationH·(kernelH − 1) + 1 + outPadH
 * </pre>
 *
 * (likewise W), with weights {@code C × filters × kH × kW} (PyTorch's {@code ConvTranspose2d}
 * layout) and one bias per output channel if {@code bias}. {@code outPad} (0 ≤ outPad < stride)
 * picks among the output sizes that the convolution maps to the same {@code H}.
 */
public record ConvTranspose2dSpec(
    int filters,
    int kernelH,
    int kernelW,
    int strideH,
    int strideW,
    int padH,
    int padW,
    int outPadH,
    int outPadW,
    int dilationH,
    int dilationW,
    boolean bias)
    implements LayerSpec {

  public ConvTranspose2dSpec {
    if (filters < 1) {
      throw new IllegalArgumentException("conv_transpose2d: filters must be ≥ 1, got " + filters);
    }
  }

  /** Square kernel, same stride and padding on both axes, no output padding or dilation, bias. */
  public static ConvTranspose2dSpec of(int filters, int kernel, int stride, int pad) {
    return new ConvTranspose2dSpec(
        filters, kernel, kernel, stride, stride, pad, pad, 0, 0, 1, 1, true);
  }

  private static int size(
      String layer, String axis, int in, int kernel, int stride, int pad, int outPad, int d) {
    if (kernel < 1 || stride < 1 || pad < 0 || d < 1 || outPad < 0 || outPad >= stride) {
      throw new IllegalArgumentException(
          layer
              + ": "
              + axis
              + ": need kernel F ≥ 1, stride S ≥ 1, padding P ≥ 0, dilation d ≥ 1 and"
              + " 0 ≤ output padding < S, got F="
              + kernel
              + " S="
              + stride
              + " P="
              + pad
              + " d="
              + d
              + " output padding="
              + outPad);
    }
    long out = (in - 1L) * stride - 2L * pad + (long) d * (kernel - 1) + 1 + outPad;
    if (out < 1 || out > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          String.format(
              "%s: %s: (%d − 1)·%d − 2·%d + %d·(%d − 1) + 1 + %d = %d is not a size an image"
                  + " can have",
              layer, axis, in, stride, pad, d, kernel, outPad, out));
    }
    return (int) out;
  }

  /** The window of the adjoint convolution: over the output image, giving the input's size. */
  Window2d window(String layerName, Shape input) {
    int outH = size(layerName, "height", input.h(), kernelH, strideH, padH, outPadH, dilationH);
    int outW = size(layerName, "width", input.w(), kernelW, strideW, padW, outPadW, dilationW);
    return new Window2d(
        filters, outH, outW, kernelH, kernelW, strideH, strideW, padH, padW, dilationH, dilationW,
        input.h(), input.w());
  }

  @Override
  public Shape outputShape(String layerName, Shape input) {
    Window2d w = window(layerName, input);
    return new Shape(input.n(), filters, w.height(), w.width());
  }

  @Override
  public Layer create(String layerName, Shape input, Backend backend) {
    return new ConvTranspose2d(layerName, this, input, backend);
  }
}
