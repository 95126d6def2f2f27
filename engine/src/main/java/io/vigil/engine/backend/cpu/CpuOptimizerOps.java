package io.vigil.engine.backend.cpu;

import io.vigil.engine.backend.AdamStep;

/** The optimizer updates of {@link CpuBackend}, on host arrays. */
final class CpuOptimizerOps {

  private CpuOptimizerOps() {}

  /** One Adam step over {@code n} elements; see {@link AdamStep} for the formula. */
  static void adam(
      float[] w,
      int wOff,
      float[] g,
      int gOff,
      float[] m,
      int mOff,
      float[] v,
      int vOff,
      int n,
      AdamStep s) {
    float b1 = s.beta1();
    float b2 = s.beta2();
    float lr = s.learningRate();
    for (int i = 0; i < n; i++) {
      float grad = g[gOff + i] + s.weightDecay() * w[wOff + i];
      float mi = b1 * m[mOff + i] + (1 - b1) * grad;
      float vi = b2 * v[vOff + i] + (1 - b2) * grad * grad;
      m[mOff + i] = mi;
      v[vOff + i] = vi;
      float mHat = mi / s.correction1();
      float vHat = vi / s.correction2();
      w[wOff + i] -= lr * mHat / ((float) Math.sqrt(vHat) + s.epsilon());
    }
  }
}
