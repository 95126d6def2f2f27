package io.vigil.bench;

import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Threads;

/**
 * The FP32 peak of this machine as far as the Vector API reaches it: a loop of twelve independent
 * FMA chains (enough to cover the FMA latency on every current x86 core) on one thread and on every
 * processor at once. The yardstick for "% of peak": {@link Report} divides each kernel's GFLOP/s by
 * the peak measured on as many threads in the same run.
 */
@BenchmarkMode(Mode.AverageTime)
@Fork(
    value = 1,
    jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx2g"})
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class Fp32Peak {

  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

  /** Loop trips per call: about a millisecond of work. */
  private static final int ITERATIONS = 200_000;

  /** Floating-point operations of one call on one thread (an FMA counts two per lane). */
  static double flopsPerCall() {
    return ITERATIONS * 12.0 * 2 * S.length();
  }

  @Benchmark
  @Threads(1)
  public float oneThread() {
    return fmaLoop(ITERATIONS);
  }

  @Benchmark
  @Threads(Threads.MAX)
  public float allThreads() {
    return fmaLoop(ITERATIONS);
  }

  private static float fmaLoop(int iterations) {
    FloatVector x = FloatVector.broadcast(S, 1.0000001f);
    FloatVector y = FloatVector.broadcast(S, 0.9999999f);
    FloatVector c0 = FloatVector.zero(S);
    FloatVector c1 = c0;
    FloatVector c2 = c0;
    FloatVector c3 = c0;
    FloatVector c4 = c0;
    FloatVector c5 = c0;
    FloatVector c6 = c0;
    FloatVector c7 = c0;
    FloatVector c8 = c0;
    FloatVector c9 = c0;
    FloatVector c10 = c0;
    FloatVector c11 = c0;
    for (int i = 0; i < iterations; i++) {
      c0 = x.fma(y, c0);
      c1 = x.fma(y, c1);
      c2 = x.fma(y, c2);
      c3 = x.fma(y, c3);
      c4 = x.fma(y, c4);
      c5 = x.fma(y, c5);
      c6 = x.fma(y, c6);
      c7 = x.fma(y, c7);
      c8 = x.fma(y, c8);
      c9 = x.fma(y, c9);
      c10 = x.fma(y, c10);
      c11 = x.fma(y, c11);
    }
    return c0.add(c1)
        .add(c2)
        .add(c3)
        .add(c4)
        .add(c5)
        .add(c6)
        .add(c7)
        .add(c8)
        .add(c9)
        .add(c10)
        .add(c11)
        .lane(0);
  }
}
