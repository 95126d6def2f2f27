package io.vigil.engine.backend.cpu;

import io.vigil.engine.backend.Lrn;
import io.vigil.engine.tensor.Shape;
import io.vigil.engine.tensor.Tensor;

/**
 * The normalisation ops of {@link CpuBackend}: local response normalisation, channel statistics and
 * batch normalisation, split between its threads by channel; the kernels are {@link CpuNormOps}'.
 */
final class CpuNormalisation {

  private final CpuBackend backend;
  private final Parallel parallel;

  CpuNormalisation(CpuBackend backend, Parallel parallel) {
    this.backend = backend;
    this.parallel = parallel;
  }

  void lrnForward(Tensor in, Lrn lrn, Tensor out, Tensor scale) {
    lrn(in, lrn, out, backend.data(scale), scale.offset());
  }

  void lrnValues(Tensor in, Lrn lrn, Tensor out, Tensor scale) {
    lrn(in, lrn, out, null, 0);
  }

  /** LRN forward, writing the scale into {@code scale} (from {@code so}) only if not null. */
  private void lrn(Tensor in, Lrn lrn, Tensor out, float[] scale, int so) {
    Shape s = in.shape();
    // A power and a window sum per value: worth splitting by channel even for one image.
    long cost = 16L * s.n() * s.plane();
    parallel.forRange(
        s.c(),
        cost,
        (c0, c1, part) ->
            CpuNormOps.lrnForward(
                backend.data(in),
                in.offset(),
                lrn,
                backend.data(out),
                out.offset(),
                scale,
                so,
                s.n(),
                s.c(),
                s.plane(),
                c0,
                c1));
  }

  void lrnBackward(Tensor in, Tensor out, Tensor scale, Tensor dOut, Lrn lrn, Tensor dIn) {
    Shape s = in.shape();
    long cost = 16L * s.n() * s.plane();
    parallel.forRange(
        s.c(),
        cost,
        (c0, c1, part) ->
            CpuNormOps.lrnBackward(
                backend.data(in),
                in.offset(),
                backend.data(out),
                out.offset(),
                backend.data(scale),
                scale.offset(),
                backend.data(dOut),
                dOut.offset(),
                lrn,
                backend.data(dIn),
                dIn.offset(),
                s.n(),
                s.c(),
                s.plane(),
                c0,
                c1));
  }

  void channelMeanVariance(Tensor in, Tensor mean, Tensor variance) {
    Shape s = in.shape();
    parallel.forRange(
        s.c(),
        2L * s.n() * s.plane(),
        (c0, c1, part) ->
            CpuNormOps.meanVariance(
                backend.data(in),
                in.offset(),
                s.n(),
                s.c(),
                s.plane(),
                backend.data(mean),
                mean.offset(),
                backend.data(variance),
                variance.offset(),
                c0,
                c1));
  }

  void batchNormForward(
      Tensor in, Tensor mean, Tensor variance, float eps, Tensor gamma, Tensor beta, Tensor out) {
    Shape s = in.shape();
    parallel.forRange(
        s.c(),
        (long) s.n() * s.plane(),
        (c0, c1, part) ->
            CpuNormOps.batchNormForward(
                backend.data(in),
                in.offset(),
                s.n(),
                s.c(),
                s.plane(),
                backend.data(mean),
                mean.offset(),
                backend.data(variance),
                variance.offset(),
                eps,
                backend.data(gamma),
                gamma.offset(),
                backend.data(beta),
                beta.offset(),
                backend.data(out),
                out.offset(),
                c0,
                c1));
  }

  void batchNormBackward(
      Tensor in,
      Tensor mean,
      Tensor variance,
      float eps,
      Tensor gamma,
      boolean batchStatistics,
      Tensor dOut,
      Tensor dIn,
      Tensor dGamma,
      Tensor dBeta) {
    Shape s = in.shape();
    float[] dx = dIn == null ? null : backend.data(dIn);
    int dxOffset = dIn == null ? 0 : dIn.offset();
    parallel.forRange(
        s.c(),
        4L * s.n() * s.plane(),
        (c0, c1, part) ->
            CpuNormOps.batchNormBackward(
                backend.data(in),
                in.offset(),
                s.n(),
                s.c(),
                s.plane(),
                backend.data(mean),
                mean.offset(),
                backend.data(variance),
                variance.offset(),
                eps,
                backend.data(gamma),
                gamma.offset(),
                batchStatistics,
                backend.data(dOut),
                dOut.offset(),
                dx,
                dxOffset,
                backend.data(dGamma),
                dGamma.offset(),
                backend.data(dBeta),
                dBeta.offset(),
                c0,
                c1));
  }
}
