package io.vigil.bench;

import io.vigil.engine.backend.GemmOp;
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
 * {@link CpuBackend#gemm} on the shapes of {@link GemmShape}, with the backend's own worker threads
 * ({@code threads}): time per call, which {@link Report} turns into GFLOP/s and % of peak.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@Fork(
    value = 1,
    jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx2g"})
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class GemmBench {

  /** By default a spread of them; any name of {@link GemmShape#ALL} runs with {@code -p shape=}. */
  @Param({
    "square-1024",
    "lenet-conv2-b256",
    "alexnet-conv1",
    "resnet18-conv1",
    "resnet18-layer1",
    "resnet18-layer3",
    "resnet18-layer4"
  })
  public String shape;

  @Param({"1", "2"})
  public int threads;

  private CpuBackend backend;
  private GemmOp op;
  private Tensor a;
  private Tensor b;
  private Tensor c;
  private Tensor workspace;

  @Setup
  public void setUp() {
    backend = new CpuBackend(threads);
    op = GemmShape.named(shape).op();
    a = Tensors.random(backend, (op.batch() - 1) * op.strideA() + op.spanA(), 1);
    b = Tensors.random(backend, (op.batch() - 1) * op.strideB() + op.spanB(), 2);
    // Random, not zero: a sum over the batch (beta 1) adds into C.
    c = Tensors.random(backend, (op.batch() - 1) * op.strideC() + op.spanC(), 3);
    workspace = backend.allocate(new Shape(1, 1, 1, Math.max(1, backend.gemmWorkspaceSize(op))));
  }

  @Benchmark
  public Tensor gemm() {
    backend.gemm(op, a, 0, b, 0, c, 0, workspace);
    return c;
  }
}
