package io.vigil.pipeline.stream;

import io.vigil.engine.model.Model;
import io.vigil.engine.model.Predictor;

/**
 * Runs a model on blank batches before real time starts, so that the JIT has compiled the engine's
 * kernels before the first camera frame waits on them: a cold engine takes several times longer per
 * batch for its first second or so, long enough to fill a real-time buffer and drop frames.
 */
public final class EngineWarmUp {

  /** Enough batches for the JIT to compile the kernels of a small network (LeNet-5: ~50 ms). */
  static final int BATCHES = 64;

  private EngineWarmUp() {}

  /** Runs {@code model} on {@value #BATCHES} all-zero batches of {@code maxBatch} images. */
  public static void run(Model model, int maxBatch) {
    try (Predictor predictor = model.newPredictor(maxBatch)) {
      float[] input = new float[maxBatch * model.input().size()];
      float[] out = new float[maxBatch * predictor.numClasses()];
      for (int i = 0; i < BATCHES; i++) {
        // Alternate full and single-image batches: real time sends both.
        predictor.predict(input, i % 2 == 0 ? maxBatch : 1, out);
      }
    }
  }
}
