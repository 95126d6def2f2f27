package io.vigil.opencl;

import static org.junit.jupiter.api.Assertions.fail;

import io.vigil.engine.backend.Backend;
import io.vigil.engine.backend.cpu.CpuBackend;
import io.vigil.engine.tensor.IntTensor;
import io.vigil.engine.tensor.Shape;
import io.vigil.engine.tensor.Tensor;
import java.util.SplittableRandom;

/**
 * The same tensor on the CPU backend and on the OpenCL backend under test, for parity tests: an op
 * is run on both and {@link #assertClose} compares the results value by value.
 */
final class Twin {

  /** The reference. */
  static final CpuBackend CPU = new CpuBackend(1);

  /** One OpenCL backend for the whole test JVM; the device comes from -Dvigil.opencl.device. */
  static final OpenClBackend CL = open();

  /** Parity tolerance: relative to the value, or to 1% of the largest expected value near 0. */
  static final double RELATIVE = 1e-4;

  final Tensor cpu;
  final Tensor cl;

  private Twin(Tensor cpu, Tensor cl) {
    this.cpu = cpu;
    this.cl = cl;
  }

  private static OpenClBackend open() {
    try {
      return OpenClBackend.create(System.getProperty("vigil.opencl.device", ""));
    } catch (RuntimeException e) {
      throw new IllegalStateException(
          "the OpenCL parity tests need an OpenCL device (on Debian: apt install pocl-opencl-icd)",
          e);
    }
  }

  /** Uniform values in [−1, 1) drawn from {@code seed}. */
  static float[] values(int count, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    float[] v = new float[count];
    for (int i = 0; i < count; i++) {
      v[i] = (float) (random.nextDouble() * 2 - 1);
    }
    return v;
  }

  static Twin random(Shape shape, long seed) {
    return of(shape, values(shape.size(), seed));
  }

  static Twin of(Shape shape, float[] values) {
    Twin t = new Twin(CPU.allocate(shape), CL.allocate(shape));
    CPU.upload(values, 0, t.cpu, 0, values.length);
    CL.upload(values, 0, t.cl, 0, values.length);
    return t;
  }

  /** Zeros, or garbage-free output buffers. */
  static Twin zeros(Shape shape) {
    return new Twin(CPU.allocate(shape), CL.allocate(shape));
  }

  /**
   * A view of {@code shape} that starts {@code offset} values into a random buffer of {@code offset
   * + shape.size() + 3} values, so ops must honour tensor offsets.
   */
  static Twin offsetView(Shape shape, int offset, long seed) {
    Shape whole = new Shape(1, offset + shape.size() + 3, 1, 1);
    Twin base = random(whole, seed);
    return new Twin(
        new Tensor(CPU, shape, base.cpu.storage(), offset),
        new Tensor(CL, shape, base.cl.storage(), offset));
  }

  static IntTensor[] ints(int[] values) {
    IntTensor a = CPU.allocateInts(values.length);
    IntTensor b = CL.allocateInts(values.length);
    CPU.uploadInts(values, 0, a, values.length);
    CL.uploadInts(values, 0, b, values.length);
    return new IntTensor[] {a, b};
  }

  /** The tensor on the given backend. */
  Tensor on(Backend backend) {
    return backend == CPU ? cpu : cl;
  }

  Shape shape() {
    return cpu.shape();
  }

  float[] cpuValues() {
    float[] v = new float[cpu.size()];
    CPU.download(cpu, 0, v, 0, v.length);
    return v;
  }

  float[] clValues() {
    float[] v = new float[cl.size()];
    CL.download(cl, 0, v, 0, v.length);
    return v;
  }

  /** Fails naming the first value where OpenCL and CPU differ beyond {@link #RELATIVE}. */
  void assertClose(String what) {
    assertClose(what, cpuValues(), clValues());
  }

  static void assertClose(String what, float[] expected, float[] actual) {
    if (expected.length != actual.length) {
      fail(what + ": " + actual.length + " values, expected " + expected.length);
    }
    double largest = 0;
    for (float e : expected) {
      largest = Math.max(largest, Math.abs(e));
    }
    for (int i = 0; i < expected.length; i++) {
      double e = expected[i];
      double a = actual[i];
      double tolerance = RELATIVE * Math.max(Math.abs(e), 0.01 * largest);
      if (!(Math.abs(a - e) <= tolerance) && !(a == e)) {
        fail(
            String.format(
                "%s: value %d of %d is %.9g on OpenCL, %.9g on the CPU (tolerance %.3g)",
                what, i, expected.length, a, e, tolerance));
      }
    }
  }
}
