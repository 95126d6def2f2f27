package io.vigil.engine.backend.cpu;

import io.vigil.engine.backend.ActivationKind;
import io.vigil.engine.backend.Epilogue;
import io.vigil.engine.backend.Normalisation;
import io.vigil.engine.tensor.Shape;
import io.vigil.engine.tensor.Tensor;

/**
 * The per-channel passes of {@link CpuBackend}: the fused epilogue (bias, normalisation, activation
 * in one pass over each plane), the bias alone and the bias gradient.
 */
final class CpuEpilogues {

  private static final ThreadLocal<float[][]> NORM_SCRATCH =
      ThreadLocal.withInitial(() -> new float[][] {new float[0], new float[0]});

  private final CpuBackend backend;
  private final Parallel parallel;

  CpuEpilogues(CpuBackend backend, Parallel parallel) {
    this.backend = backend;
    this.parallel = parallel;
  }

  void apply(Tensor t, Epilogue epilogue) {
    if (epilogue.isEmpty()) {
      return;
    }
    Shape s = t.shape();
    EpilogueValues ep = values(epilogue, s.c());
    float[] y = backend.data(t);
    int channels = s.c();
    int plane = s.plane();
    // One task per (image, channel) plane run, so that batch 1 splits too.
    parallel.forRange(
        s.n() * channels,
        plane,
        (from, to, part) -> {
          for (int p = from; p < to; ) {
            int image = p / channels;
            int c0 = p % channels;
            int c1 = Math.min(channels, c0 + (to - p));
            ep.apply(y, t.offset() + image * channels * plane, c0, c1, plane);
            p += c1 - c0;
          }
        });
  }

  /** {@code epilogue} unwrapped to host arrays, for an output of {@code channels} channels. */
  EpilogueValues values(Epilogue epilogue, int channels) {
    Tensor bias = epilogue.bias();
    float[] scale = null;
    float[] shift = null;
    Normalisation norm = epilogue.norm();
    if (norm != null) {
      // y = a·x + b per channel, a and b as batchNormForward computes them; in this thread's
      // scratch, valid until its next epilogue (no allocation per batch).
      float[][] scratch = NORM_SCRATCH.get();
      if (scratch[0].length < channels) {
        scratch[0] = new float[channels];
        scratch[1] = new float[channels];
      }
      scale = scratch[0];
      shift = scratch[1];
      float[] mean = backend.data(norm.mean());
      float[] variance = backend.data(norm.variance());
      float[] gamma = backend.data(norm.gamma());
      float[] beta = backend.data(norm.beta());
      for (int c = 0; c < channels; c++) {
        scale[c] =
            CpuNormOps.normScale(
                gamma[norm.gamma().offset() + c],
                variance[norm.variance().offset() + c],
                norm.eps());
        shift[c] =
            CpuNormOps.normShift(
                scale[c], beta[norm.beta().offset() + c], mean[norm.mean().offset() + c]);
      }
    }
    return new EpilogueValues(
        bias == null ? null : backend.data(bias),
        bias == null ? 0 : bias.offset(),
        scale,
        shift,
        epilogue.activation(),
        epilogue.alpha());
  }

  /**
   * An {@link Epilogue} on host arrays: {@code bias} is null when there is none; {@code scale} and
   * {@code shift} (the normalisation as {@code a·x + b} per channel) likewise.
   */
  record EpilogueValues(
      float[] bias,
      int biasOffset,
      float[] scale,
      float[] shift,
      ActivationKind activation,
      float alpha) {

    /** Channels {@code [c0, c1)} of the image whose planes ({@code plane} floats) start at yo. */
    void apply(float[] y, int yo, int c0, int c1, int plane) {
      for (int c = c0; c < c1; c++) {
        int start = yo + c * plane;
        if (bias != null) {
          CpuActivationOps.addBias(bias[biasOffset + c], y, start, plane);
        }
        if (scale != null) {
          CpuNormOps.normalise(scale[c], shift[c], y, start, y, start, plane);
        }
        if (activation != null) {
          CpuActivationOps.forward(activation, alpha, y, start, y, start, plane);
        }
      }
    }
  }

  void accumulateBiasGrad(Tensor dOut, Tensor dBias) {
    Shape s = dOut.shape();
    float[] dy = backend.data(dOut);
    float[] db = backend.data(dBias);
    int plane = s.plane();
    // Channels are independent: split them between threads; each sums in the same order as ever.
    parallel.forRange(
        s.c(),
        (long) s.n() * plane,
        (from, to, part) -> {
          for (int c = from; c < to; c++) {
            double sum = 0;
            for (int i = 0; i < s.n(); i++) {
              int start = dOut.offset() + (i * s.c() + c) * plane;
              sum += CpuActivationOps.sum(dy, start, plane);
            }
            db[dBias.offset() + c] += (float) sum;
          }
        });
  }
}
