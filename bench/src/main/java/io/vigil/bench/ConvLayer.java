package io.vigil.bench;

import io.vigil.engine.backend.ConvProduct;
import io.vigil.engine.backend.GemmOp;
import io.vigil.engine.backend.Window2d;
import java.util.List;

/**
 * One convolution layer of the zoo's networks, as {@link ConvolutionBench} runs it: {@code images}
 * inputs of {@code channels × size × size}, {@code filters} square kernels, stride and padding, one
 * group.
 */
record ConvLayer(
    String name, int channels, int size, int filters, int kernel, int stride, int pad, int images) {

  static final List<ConvLayer> ALL =
      List.of(
          new ConvLayer("lenet-conv1-b256", 1, 28, 6, 5, 1, 2, 256),
          new ConvLayer("lenet-conv2-b256", 6, 14, 16, 5, 1, 0, 256),
          new ConvLayer("alexnet-conv1", 3, 227, 64, 11, 4, 0, 1),
          new ConvLayer("resnet18-conv1", 3, 224, 64, 7, 2, 3, 1),
          new ConvLayer("resnet18-conv1-b16", 3, 224, 64, 7, 2, 3, 16),
          new ConvLayer("resnet18-layer1", 64, 56, 64, 3, 1, 1, 1),
          new ConvLayer("resnet18-layer1-b16", 64, 56, 64, 3, 1, 1, 16),
          new ConvLayer("resnet18-layer2-s2", 64, 56, 128, 3, 2, 1, 1),
          new ConvLayer("resnet18-layer3", 256, 14, 256, 3, 1, 1, 1));

  static ConvLayer named(String name) {
    for (ConvLayer l : ALL) {
      if (l.name.equals(name)) {
        return l;
      }
    }
    throw new IllegalArgumentException(
        "unknown layer '" + name + "'; known: " + ALL.stream().map(ConvLayer::name).toList());
  }

  int outSize() {
    return (size + 2 * pad - kernel) / stride + 1;
  }

  Window2d window() {
    return new Window2d(
        channels, size, size, kernel, kernel, stride, stride, pad, pad, outSize(), outSize());
  }

  /** The forward product as a layer builds it ({@code Conv2d}): one GEMM per image. */
  ConvProduct product() {
    Window2d w = window();
    int p = w.patchSize();
    int q = w.positions();
    GemmOp op =
        GemmOp.of(false, false, filters, q, p, 1f, 0f).batched(images, 0, p * q, filters * q);
    return new ConvProduct(w, op, 1, filters * p, p * q, filters * q);
  }

  /** Operations of the direct convolution: {@code 2·filters·positions·taps} per image. */
  double flops() {
    Window2d w = window();
    return 2.0 * filters * w.positions() * w.patchSize() * images;
  }
}
