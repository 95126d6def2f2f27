package io.vigil.bench;

import io.vigil.engine.backend.Backend;
import io.vigil.engine.tensor.Shape;
import io.vigil.engine.tensor.Tensor;
import java.util.SplittableRandom;

/** Tensors of Gaussian values for the benchmarks' operands (fixed seed: the same data each run). */
final class Tensors {

  private Tensors() {}

  static Tensor random(Backend backend, Shape shape, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    float[] values = new float[shape.size()];
    for (int i = 0; i < values.length; i++) {
      // A sum of uniforms: near-Gaussian, without the cost of Box-Muller on large operands.
      values[i] = (float) (random.nextDouble() + random.nextDouble() + random.nextDouble() - 1.5);
    }
    Tensor t = backend.allocate(shape);
    backend.upload(values, 0, t, 0, values.length);
    return t;
  }

  /** A flat tensor of {@code size} floats. */
  static Tensor random(Backend backend, int size, long seed) {
    return random(backend, new Shape(1, 1, 1, size), seed);
  }
}
