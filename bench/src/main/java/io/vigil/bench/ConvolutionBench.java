package io.vigil.bench;

import io.vigil.engine.backend.ConvProduct;
import io.vigil.engine.backend.Epilogue;
import io.vigil.engine.backend.Window2d;
import io.vigil.engine.backend.cpu.CpuBackend;
import io.vigil.engine.tensor.Shape;
import io.vigil.engine.tensor.Tensor;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The CPU backend's three convolution paths on the layers they serve, on 2 threads, time per call
 * ({@link Report} adds the direct-equivalent GFLOP/s, {@code 2·filters·positions·taps}):
 *
 * <ul>
 *   <li>{@code im2colGemm}: {@code convolve} (the training forward) with Winograd off, im2col and
 *       GEMM, interleaved per image when there are at least two images per thread;
 *   <li>{@code im2colGemmInference}: {@code convolveInference} of the same layers, which keeps no
 *       columns: where an image's columns are larger than two 256 KB blocks it unfolds and
 *       multiplies a block of output rows at a time, in cache;
 *   <li>{@code winograd}: {@code convolveInference} of 3 × 3 layers with Winograd F(2×2, 3×3)
 *       forced on, the transformed filters kept between calls as at inference;
 *   <li>{@code direct}: {@code convolveInference} of LeNet-5's layers, which the backend computes
 *       straight from the images (stride 1, at most 160 taps per filter).
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@Fork(
    value = 1,
    jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx2g"})
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ConvolutionBench {

  /** The backend's threads in the convolution and pooling benchmarks. */
  static final int THREADS = 2;

  /** The most taps per filter the backend computes directly (its {@code DirectConvolution}). */
  private static final int DIRECT_MAX_TAPS = 160;

  /** A layer's operands on a backend whose Winograd setting is {@code winograd}. */
  abstract static class Operands {
    CpuBackend backend;
    ConvProduct product;
    Tensor images;
    Tensor cols;
    Tensor weights;
    Tensor out;

    void build(String layerName, String winograd) {
      // Read when the backend is built; each parameter set runs in a JVM of its own.
      System.setProperty("vigil.winograd", winograd);
      backend = new CpuBackend(THREADS);
      ConvLayer layer = ConvLayer.named(layerName);
      product = layer.product();
      Window2d w = product.window();
      images =
          Tensors.random(
              backend, new Shape(layer.images(), w.channels(), w.height(), w.width()), 1);
      cols = backend.allocate(new Shape(layer.images(), w.patchSize(), w.outH(), w.outW()));
      weights =
          Tensors.random(
              backend, new Shape(layer.filters(), w.channels(), w.kernelH(), w.kernelW()), 2);
      out = backend.allocate(new Shape(layer.images(), layer.filters(), w.outH(), w.outW()));
    }
  }

  @State(Scope.Benchmark)
  public static class Im2colLayers extends Operands {
    @Param({
      "resnet18-conv1",
      "resnet18-conv1-b16",
      "alexnet-conv1",
      "resnet18-layer1",
      "resnet18-layer2-s2",
      "lenet-conv2-b256"
    })
    public String layer;

    /** Floats per block of columns at inference ({@code vigil.conv.block}; 0: whole images). */
    @Param({"196608"})
    public String block;

    @Setup
    public void setUp() {
      System.setProperty("vigil.conv.block", block);
      build(layer, "false");
    }
  }

  @State(Scope.Benchmark)
  public static class WinogradLayers extends Operands {
    @Param({"resnet18-layer1", "resnet18-layer1-b16", "resnet18-layer3"})
    public String layer;

    @Setup
    public void setUp() {
      ConvLayer l = ConvLayer.named(layer);
      if (l.kernel() != 3 || l.stride() != 1) {
        throw new IllegalArgumentException(layer + " is not a 3 × 3 stride-1 layer: no Winograd");
      }
      build(layer, "always");
    }
  }

  @State(Scope.Benchmark)
  public static class DirectLayers extends Operands {
    @Param({"lenet-conv1-b256", "lenet-conv2-b256"})
    public String layer;

    @Setup
    public void setUp() {
      ConvLayer l = ConvLayer.named(layer);
      if (l.stride() != 1 || l.channels() * l.kernel() * l.kernel() > DIRECT_MAX_TAPS) {
        throw new IllegalArgumentException(layer + " does not take the direct path");
      }
      build(layer, "false");
    }
  }

  @Benchmark
  public Tensor im2colGemm(Im2colLayers s) {
    s.backend.convolve(s.images, s.product, s.cols, s.weights, s.out);
    return s.out;
  }

  @Benchmark
  public Tensor im2colGemmInference(Im2colLayers s) {
    s.backend.convolveInference(s.images, s.product, s.cols, s.weights, s.out, Epilogue.NONE);
    return s.out;
  }

  @Benchmark
  public Tensor winograd(WinogradLayers s) {
    s.backend.convolveInference(s.images, s.product, s.cols, s.weights, s.out, Epilogue.NONE);
    return s.out;
  }

  @Benchmark
  public Tensor direct(DirectLayers s) {
    s.backend.convolveInference(s.images, s.product, s.cols, s.weights, s.out, Epilogue.NONE);
    return s.out;
  }
}
