package io.vigil.bench;

import io.vigil.engine.backend.PoolKind;
import io.vigil.engine.backend.Window2d;
import io.vigil.engine.backend.cpu.CpuBackend;
import io.vigil.engine.tensor.IntTensor;
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
 * Pooling on the CPU backend ({@link ConvolutionBench#THREADS} threads), time per call: ResNet-18's
 * 3 × 3 / 2 max pool after conv1 (64 × 112 × 112, padding 1) at inference ({@code maxPoolValues})
 * and in training ({@code maxPoolForward}, recording the switches), and LeNet-5's 2 × 2 / 2 average
 * pool (6 × 28 × 28).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@Fork(
    value = 1,
    jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx2g"})
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class PoolBench {

  @Param({"1", "16"})
  public int images;

  private CpuBackend backend;
  private Window2d resnet;
  private Tensor resnetIn;
  private Tensor resnetOut;
  private IntTensor switches;
  private Window2d lenet;
  private Tensor lenetIn;
  private Tensor lenetOut;

  @Setup
  public void setUp() {
    backend = new CpuBackend(ConvolutionBench.THREADS);
    resnet = new Window2d(64, 112, 112, 3, 3, 2, 2, 1, 1, 56, 56);
    resnetIn = Tensors.random(backend, new Shape(images, 64, 112, 112), 1);
    resnetOut = backend.allocate(new Shape(images, 64, 56, 56));
    switches = backend.allocateInts(resnetOut.size());
    lenet = new Window2d(6, 28, 28, 2, 2, 2, 2, 0, 0, 14, 14);
    // LeNet-5 runs at larger batches than ResNet-18: 16 times the images.
    lenetIn = Tensors.random(backend, new Shape(16 * images, 6, 28, 28), 2);
    lenetOut = backend.allocate(new Shape(16 * images, 6, 14, 14));
  }

  @Benchmark
  public Tensor maxPoolInference() {
    backend.maxPoolValues(resnetIn, resnet, resnetOut, switches);
    return resnetOut;
  }

  @Benchmark
  public IntTensor maxPoolTraining() {
    backend.maxPoolForward(resnetIn, resnet, resnetOut, switches);
    return switches;
  }

  @Benchmark
  public Tensor averagePool() {
    backend.poolForward(PoolKind.AVERAGE, lenetIn, lenet, lenetOut);
    return lenetOut;
  }
}
