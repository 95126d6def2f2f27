package io.vigil.bench;

import io.vigil.engine.backend.GemmOp;
import java.util.ArrayList;
import java.util.List;

/**
 * One GEMM the benchmarks time, by the name {@link GemmBench}'s {@code shape} parameter takes: the
 * 1024 square, the products the convolutions of LeNet-5, AlexNet and ResNet-18 issue at inference,
 * fully connected layers, and the three products of a convolution's training step.
 *
 * <p>Convolutions are in the im2col layout (weights {@code filters × C·kH·kW} times columns {@code
 * C·kH·kW × H'·W'}, one product per image, weights shared). Over several images every product reads
 * the same columns: with two or more images per thread the engine unfolds one image and multiplies
 * it at once, so its product reads columns just written to cache (a batched GEMM over a whole
 * batch's columns would stream them from memory, which the engine never runs). At batch 1 they are
 * the whole image's, as the engine unfolds them.
 */
record GemmShape(String name, GemmOp op) {

  static final List<GemmShape> ALL = all();

  private static List<GemmShape> all() {
    List<GemmShape> shapes = new ArrayList<>();
    shapes.add(new GemmShape("square-1024", GemmOp.of(false, false, 1024, 1024, 1024, 1f, 0f)));
    shapes.add(new GemmShape("square-1024-tt", GemmOp.of(true, true, 1024, 1024, 1024, 1f, 0f)));
    conv(shapes, "lenet-conv1-b256", 6, 25, 784, 256);
    conv(shapes, "lenet-conv2-b256", 16, 150, 100, 256);
    conv(shapes, "alexnet-conv1", 64, 363, 3025, 1);
    conv(shapes, "alexnet-conv2", 192, 1600, 729, 1);
    conv(shapes, "alexnet-conv3", 384, 1728, 169, 1);
    conv(shapes, "alexnet-conv4", 256, 3456, 169, 1);
    conv(shapes, "alexnet-conv5", 256, 2304, 169, 1);
    conv(shapes, "resnet18-conv1", 64, 147, 12544, 1);
    conv(shapes, "resnet18-layer1", 64, 576, 3136, 1);
    conv(shapes, "resnet18-layer2", 128, 1152, 784, 1);
    conv(shapes, "resnet18-layer3", 256, 2304, 196, 1);
    conv(shapes, "resnet18-layer4", 512, 4608, 49, 1);
    conv(shapes, "resnet18-layer2-s2", 128, 576, 784, 1);
    conv(shapes, "resnet18-layer3-s2", 256, 1152, 196, 1);
    conv(shapes, "resnet18-layer4-s2", 512, 2304, 49, 1);
    conv(shapes, "resnet18-layer2-1x1s2", 128, 64, 784, 1);
    conv(shapes, "resnet18-layer3-1x1s2", 256, 128, 196, 1);
    conv(shapes, "resnet18-layer4-1x1s2", 512, 256, 49, 1);
    conv(shapes, "resnet18-layer1-b16", 64, 576, 3136, 16);
    shapes.add(new GemmShape("lenet-fc1-b256", GemmOp.of(false, true, 256, 120, 400, 1f, 0f)));
    // AlexNet's first fully connected layer: a matrix-vector product at batch 1 (151 MB of
    // weights read once per image: memory-bound).
    shapes.add(new GemmShape("alexnet-fc6-b1", GemmOp.of(false, true, 1, 4096, 9216, 1f, 0f)));
    shapes.add(new GemmShape("alexnet-fc6-b16", GemmOp.of(false, true, 16, 4096, 9216, 1f, 0f)));
    // LeNet's convolutions in training: batch 64 shared between 2 workers. Its conv1 reads the
    // images: no input gradient is computed for it.
    training(shapes, "lenet-conv1", 6, 25, 784, 32, false);
    training(shapes, "lenet-conv2", 16, 150, 100, 32, true);
    // vgg-small's widest convolutions at training batch 64.
    training(shapes, "vgg-conv1_2", 32, 288, 784, 64, true);
    training(shapes, "vgg-conv2_2", 64, 576, 196, 64, true);
    return List.copyOf(shapes);
  }

  /** A forward product: filters K, patch P = C·kH·kW, positions Q = H'·W', images. */
  private static void conv(List<GemmShape> shapes, String name, int k, int p, int q, int images) {
    shapes.add(
        new GemmShape(name, GemmOp.of(false, false, k, q, p, 1f, 0f).batched(images, 0, 0, k * q)));
  }

  /**
   * The training step's products as the engine runs them: the forward product per image on columns
   * just unfolded ({@code -y}); the weight gradient as one sum over the batch's columns ({@code
   * -dW}); the input gradient per image with A the weights transposed once per step ({@code Wᵀ},
   * read in place), into one slice of columns per thread that col2im then reads from cache: here
   * eight images, four per thread ({@code -dX}).
   */
  private static void training(
      List<GemmShape> shapes, String name, int k, int p, int q, int batch, boolean inputGradient) {
    shapes.add(
        new GemmShape(
            name + "-y", GemmOp.of(false, false, k, q, p, 1f, 0f).batched(batch, 0, 0, k * q)));
    shapes.add(
        new GemmShape(
            name + "-dW", GemmOp.of(false, true, k, p, q, 1f, 1f).batched(batch, k * q, p * q, 0)));
    if (inputGradient) {
      shapes.add(
          new GemmShape(
              name + "-dX", GemmOp.of(false, false, p, q, k, 1f, 0f).batched(8, 0, k * q, p * q)));
    }
  }

  static GemmShape named(String name) {
    for (GemmShape s : ALL) {
      if (s.name.equals(name)) {
        return s;
      }
    }
    throw new IllegalArgumentException(
        "unknown GEMM shape '" + name + "'; known: " + ALL.stream().map(GemmShape::name).toList());
  }

  /** Floating-point operations of one call: {@code 2·m·n·k} per product. */
  double flops() {
    return 2.0 * op.m() * op.n() * op.k() * op.batch();
  }
}
