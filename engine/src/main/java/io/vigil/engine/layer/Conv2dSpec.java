package io.vigil.engine.layer;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.vigil.engine.backend.Backend;
import io.vigil.engine.backend.Window2d;
import io.vigil.engine.tensor.Shape;

/**
 * A 2-D convolution (cross-correlation) with {@code filters} filters of {@code kernelH × kernelW},
 * stride, zero padding and dilation per axis, in {@code groups} groups, with or without one bias
 * per filter. With dilation {@code d} a kernel of {@code m} taps covers {@code F = m + (m − 1)(d −
 * 1)} inputs; the output is {@code filters × H' × W'} with {@code H' = (H − F + 2·padH)/strideH +
 * 1} (likewise W'), which must be an integer. With {@code g} groups the input channels {@code C}
 * and the filters are split into {@code g} equal blocks and filter block {@code j} sees only
 * channel block {@code j} (AlexNet's two columns); the weights are {@code filters × C/g × kH × kW}.
 *
 * <p>{@code dilationH}, {@code dilationW}, {@code groups}, {@code bias} and {@code rounding} are
 * optional in JSON (absent = 1, 1, 1, true, {@link Rounding#EXACT}) and left out when at those
 * defaults, so older model files read and hash as before. Name the padding with {@link
 * #withPadding(Padding)}.
 */
public record Conv2dSpec(
    int filters,
    int kernelH,
    int kernelW,
    int strideH,
    int strideW,
    int padH,
    int padW,
    @JsonInclude(value = JsonInclude.Include.CUSTOM, valueFilter = DefaultOne.class)
        Integer dilationH,
    @JsonInclude(value = JsonInclude.Include.CUSTOM, valueFilter = DefaultOne.class)
        Integer dilationW,
    @JsonInclude(value = JsonInclude.Include.CUSTOM, valueFilter = DefaultOne.class) Integer groups,
    @JsonInclude(value = JsonInclude.Include.CUSTOM, valueFilter = DefaultOne.class) Boolean bias,
    @JsonInclude(value = JsonInclude.Include.CUSTOM, valueFilter = Rounding.ExactFilter.class)
        Rounding rounding)
    implements LayerSpec {

  public Conv2dSpec {
    dilationH = dilationH == null ? 1 : dilationH;
    dilationW = dilationW == null ? 1 : dilationW;
    groups = groups == null ? 1 : groups;
    bias = bias == null || bias;
    rounding = rounding == null ? Rounding.EXACT : rounding;
    if (filters < 1) {
      throw new IllegalArgumentException("conv2d: filters must be ≥ 1, got " + filters);
    }
    if (dilationH < 1 || dilationW < 1) {
      throw new IllegalArgumentException(
          "conv2d: dilation must be ≥ 1, got " + dilationH + "×" + dilationW);
    }
    if (groups < 1) {
      throw new IllegalArgumentException("conv2d: groups must be ≥ 1, got " + groups);
    }
  }

  /** No dilation, one group, with bias. */
  public Conv2dSpec(
      int filters, int kernelH, int kernelW, int strideH, int strideW, int padH, int padW) {
    this(filters, kernelH, kernelW, strideH, strideW, padH, padW, 1, 1, 1, true, Rounding.EXACT);
  }

  /** Every option but rounding, which is exact. */
  public Conv2dSpec(
      int filters,
      int kernelH,
      int kernelW,
      int strideH,
      int strideW,
      int padH,
      int padW,
      int dilationH,
      int dilationW,
      int groups,
      boolean bias) {
    this(
        filters,
        kernelH,
        kernelW,
        strideH,
        strideW,
        padH,
        padW,
        dilationH,
        dilationW,
        groups,
        bias,
        Rounding.EXACT);
  }

  /** Square kernel, same stride and padding on both axes. */
  public static Conv2dSpec of(int filters, int kernel, int stride, int pad) {
    return new Conv2dSpec(filters, kernel, kernel, stride, stride, pad, pad);
  }

  /** Square kernel, same stride on both axes, padding by name. */
  public static Conv2dSpec of(int filters, int kernel, int stride, Padding padding) {
    return of(filters, kernel, stride, 0).withPadding(padding);
  }

  /** This convolution with dilation {@code d} on both axes (set the padding afterwards). */
  public Conv2dSpec withDilation(int d) {
    return new Conv2dSpec(
        filters, kernelH, kernelW, strideH, strideW, padH, padW, d, d, groups, bias, rounding);
  }

  /** This convolution in {@code g} groups. */
  public Conv2dSpec withGroups(int g) {
    return new Conv2dSpec(
        filters, kernelH, kernelW, strideH, strideW, padH, padW, dilationH, dilationW, g, bias,
        rounding);
  }

  /** This convolution without bias (e.g. before batch normalisation). */
  public Conv2dSpec withoutBias() {
    return new Conv2dSpec(
        filters, kernelH, kernelW, strideH, strideW, padH, padW, dilationH, dilationW, groups,
        false, rounding);
  }

  /** This convolution with the named padding for its current kernel and dilation. */
  public Conv2dSpec withPadding(Padding padding) {
    String name = "conv2d";
    int ph = padding.pad(name, "height", effectiveKernelH());
    int pw = padding.pad(name, "width", effectiveKernelW());
    return new Conv2dSpec(
        filters, kernelH, kernelW, strideH, strideW, ph, pw, dilationH, dilationW, groups, bias,
        rounding);
  }

  /** This convolution with another {@link Rounding} of its output size. */
  public Conv2dSpec withRounding(Rounding newRounding) {
    return new Conv2dSpec(
        filters,
        kernelH,
        kernelW,
        strideH,
        strideW,
        padH,
        padW,
        dilationH,
        dilationW,
        groups,
        bias,
        newRounding);
  }

  /** {@code kernelH + (kernelH − 1)(dilationH − 1)}. */
  public int effectiveKernelH() {
    return kernelH + (kernelH - 1) * (dilationH - 1);
  }

  /** {@code kernelW + (kernelW − 1)(dilationW − 1)}. */
  public int effectiveKernelW() {
    return kernelW + (kernelW - 1) * (dilationW - 1);
  }

  /** The sliding window of this convolution over {@code input}; errors name {@code layerName}. */
  public Window2d window(String layerName, Shape input) {
    if (input.c() % groups != 0 || filters % groups != 0) {
      throw new IllegalArgumentException(
          layerName
              + ": "
              + groups
              + " groups must divide both the input channels C = "
              + input.c()
              + " and the filters K = "
              + filters
              + " (C % g = "
              + input.c() % groups
              + ", K % g = "
              + filters % groups
              + ")");
    }
    return WindowArithmetic.window(
        layerName, input, kernelH, kernelW, strideH, strideW, padH, padW, dilationH, dilationW,
        false, rounding);
  }

  @Override
  public Shape outputShape(String layerName, Shape input) {
    Window2d w = window(layerName, input);
    return new Shape(input.n(), filters, w.outH(), w.outW());
  }

  /** Learnable values: {@code K·(C/g)·kH·kW} weights plus {@code K} biases if any. */
  public long parameterCount(Shape input) {
    return (long) filters * (input.c() / groups) * kernelH * kernelW + (bias ? filters : 0);
  }

  /**
   * Multiply-adds of one forward pass over {@code input} (all its images): every output value is a
   * dot product of {@code (C/g)·kH·kW} weights with its window, {@code N·K·H'·W'·(C/g)·kH·kW}.
   */
  public long multiplyAdds(String layerName, Shape input) {
    Shape out = outputShape(layerName, input);
    return (long) out.n() * filters * out.h() * out.w() * (input.c() / groups) * kernelH * kernelW;
  }

  @Override
  public Layer create(String layerName, Shape input, Backend backend) {
    return new Conv2d(layerName, this, input, backend);
  }
}
