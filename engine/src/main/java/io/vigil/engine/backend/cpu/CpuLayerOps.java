package io.vigil.engine.backend.cpu;

import static io.vigil.engine.backend.BackendChecks.checkLabel;
import static io.vigil.engine.backend.BackendChecks.requireChannels;
import static io.vigil.engine.backend.BackendChecks.requireImages;
import static io.vigil.engine.backend.BackendChecks.requireSameSize;

import io.vigil.engine.backend.ActivationKind;
import io.vigil.engine.backend.Backend;
import io.vigil.engine.backend.BackendChecks;
import io.vigil.engine.backend.Epilogue;
import io.vigil.engine.backend.Lrn;
import io.vigil.engine.backend.Normalisation;
import io.vigil.engine.backend.PoolKind;
import io.vigil.engine.backend.Window2d;
import io.vigil.engine.tensor.IntTensor;
import io.vigil.engine.tensor.Shape;
import io.vigil.engine.tensor.Tensor;

/**
 * The elementwise, reduction, normalisation and pooling ops of {@link CpuBackend}, kept apart from
 * its memory, GEMM and im2col ops so that each file has one job. The kernels themselves live in
 * {@link CpuActivationOps}, {@link CpuPoolOps} and {@link CpuNormOps}; this class checks the
 * arguments and unwraps the host arrays.
 */
abstract sealed class CpuLayerOps implements Backend permits CpuBackend {

  /** The heap array behind a host tensor of this backend. */
  abstract float[] data(Tensor t);

  /** The heap array behind a host int tensor of this backend. */
  abstract int[] ints(IntTensor t);

  /** The worker threads of this backend. */
  abstract Parallel parallel();

  // --- elementwise and reductions ----------------------------------------------------------

  @Override
  public void addChannelBias(Tensor t, Tensor bias) {
    applyEpilogue(t, Epilogue.bias(bias));
  }

  @Override
  public void applyEpilogue(Tensor t, Epilogue epilogue) {
    if (epilogue.isEmpty()) {
      return;
    }
    Shape s = t.shape();
    EpilogueValues ep = epilogueValues(epilogue, s.c());
    float[] y = data(t);
    int channels = s.c();
    int plane = s.plane();
    // One task per (image, channel) plane run, so that batch 1 splits too.
    parallel()
        .forRange(
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

  /** {@code epilogue} unwrapped to host arrays, checked for {@code channels}. */
  final EpilogueValues epilogueValues(Epilogue epilogue, int channels) {
    Tensor bias = epilogue.bias();
    if (bias != null) {
      requireChannels("bias", bias, channels);
    }
    float[] scale = null;
    float[] shift = null;
    Normalisation norm = epilogue.norm();
    if (norm != null) {
      for (Tensor t : new Tensor[] {norm.mean(), norm.variance(), norm.gamma(), norm.beta()}) {
        requireChannels("batch norm", t, channels);
      }
      // y = a·x + b per channel, a and b as batchNormForward computes them; in this thread's
      // scratch, valid until its next epilogue (no allocation per batch).
      float[][] scratch = NORM_SCRATCH.get();
      if (scratch[0].length < channels) {
        scratch[0] = new float[channels];
        scratch[1] = new float[channels];
      }
      scale = scratch[0];
      shift = scratch[1];
      float[] mean = data(norm.mean());
      float[] variance = data(norm.variance());
      float[] gamma = data(norm.gamma());
      float[] beta = data(norm.beta());
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
        bias == null ? null : data(bias),
        bias == null ? 0 : bias.offset(),
        scale,
        shift,
        epilogue.activation(),
        epilogue.alpha());
  }

  private static final ThreadLocal<float[][]> NORM_SCRATCH =
      ThreadLocal.withInitial(() -> new float[][] {new float[0], new float[0]});

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

  @Override
  public void accumulateChannelBiasGrad(Tensor dOut, Tensor dBias) {
    Shape s = dOut.shape();
    requireChannels("bias gradient", dBias, s.c());
    float[] dy = data(dOut);
    float[] db = data(dBias);
    int plane = s.plane();
    // Channels are independent: split them between threads; each sums in the same order as ever.
    parallel()
        .forRange(
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

  @Override
  public void softmax(Tensor logits, Tensor probs) {
    requireSameSize("softmax", logits, probs);
    int rows = logits.shape().n();
    int cols = logits.shape().perImage();
    CpuActivationOps.softmax(
        data(logits), logits.offset(), data(probs), probs.offset(), rows, cols);
  }

  @Override
  public double crossEntropySum(Tensor probs, IntTensor labels) {
    int rows = probs.shape().n();
    int cols = probs.shape().perImage();
    int[] y = ints(labels);
    float[] p = data(probs);
    double sum = 0;
    for (int r = 0; r < rows; r++) {
      int label = checkLabel(y[r], cols, r);
      // Clamp so a confidently wrong prediction gives a large finite loss, not infinity.
      sum -= Math.log(Math.max(p[probs.offset() + r * cols + label], 1e-30f));
    }
    return sum;
  }

  @Override
  public void softmaxCrossEntropyBackward(
      Tensor probs, IntTensor labels, float scale, Tensor dLogits) {
    requireSameSize("softmax cross-entropy backward", probs, dLogits);
    int rows = probs.shape().n();
    int cols = probs.shape().perImage();
    int[] y = ints(labels);
    float[] p = data(probs);
    float[] d = data(dLogits);
    for (int r = 0; r < rows; r++) {
      int po = probs.offset() + r * cols;
      int dOff = dLogits.offset() + r * cols;
      int label = checkLabel(y[r], cols, r);
      for (int j = 0; j < cols; j++) {
        d[dOff + j] = scale * (p[po + j] - (j == label ? 1f : 0f));
      }
    }
  }

  // --- layers beyond the basic ones --------------------------------------------------------

  @Override
  public void activation(ActivationKind kind, float alpha, Tensor in, Tensor out) {
    requireSameSize(kind + " activation", in, out);
    float[] x = data(in);
    float[] y = data(out);
    // Split the values between threads; sigmoid and tanh cost a few multiply-adds each.
    parallel()
        .forRange(
            in.size(),
            4,
            (from, to, part) ->
                CpuActivationOps.forward(
                    kind, alpha, x, in.offset() + from, y, out.offset() + from, to - from));
  }

  @Override
  public void activationBackward(
      ActivationKind kind, float alpha, Tensor in, Tensor out, Tensor dOut, Tensor dIn) {
    requireSameSize(kind + " activation backward", in, out);
    requireSameSize(kind + " activation backward", in, dOut);
    requireSameSize(kind + " activation backward", in, dIn);
    float[] x = data(in);
    float[] y = data(out);
    float[] dy = data(dOut);
    float[] dx = data(dIn);
    parallel()
        .forRange(
            in.size(),
            2,
            (from, to, part) ->
                CpuActivationOps.backward(
                    kind,
                    alpha,
                    x,
                    in.offset() + from,
                    y,
                    out.offset() + from,
                    dy,
                    dOut.offset() + from,
                    dx,
                    dIn.offset() + from,
                    to - from));
  }

  @Override
  public void softmaxBackward(Tensor probs, Tensor dProbs, Tensor dLogits) {
    requireSameSize("softmax backward", probs, dProbs);
    requireSameSize("softmax backward", probs, dLogits);
    CpuActivationOps.softmaxBackward(
        data(probs),
        probs.offset(),
        data(dProbs),
        dProbs.offset(),
        data(dLogits),
        dLogits.offset(),
        probs.shape().n(),
        probs.shape().perImage());
  }

  @Override
  public void multiply(Tensor a, Tensor b, Tensor out) {
    requireSameSize("multiply", a, b);
    requireSameSize("multiply", a, out);
    CpuActivationOps.multiply(
        data(a), a.offset(), data(b), b.offset(), data(out), out.offset(), a.size());
    out.changed();
  }

  @Override
  public void copyChannels(Tensor src, int srcChannel, Tensor dst, int dstChannel, int channels) {
    BackendChecks.checkChannelCopy(src, srcChannel, dst, dstChannel, channels);
    Shape s = src.shape();
    Shape d = dst.shape();
    CpuActivationOps.copyChannels(
        data(src),
        src.offset(),
        s.c(),
        srcChannel,
        data(dst),
        dst.offset(),
        d.c(),
        dstChannel,
        channels,
        s.n(),
        s.plane());
    dst.changed();
  }

  @Override
  public void poolForward(PoolKind kind, Tensor in, Window2d w, Tensor out) {
    int n = in.shape().n();
    requireImages(kind + " pool input", in, w.inPerImage());
    requireImages(kind + " pool output", out, w.outPerImage());
    float[] x = data(in);
    float[] y = data(out);
    parallel()
        .forEach(
            n,
            (long) w.outPerImage() * w.kernelH() * w.kernelW(),
            i ->
                CpuPoolOps.forward(
                    kind,
                    x,
                    in.offset() + i * w.inPerImage(),
                    w,
                    y,
                    out.offset() + i * w.outPerImage()));
  }

  @Override
  public void poolBackward(
      PoolKind kind, Tensor in, Tensor out, Tensor dOut, Window2d w, Tensor dIn) {
    int n = in.shape().n();
    requireImages(kind + " pool gradient", dOut, w.outPerImage());
    requireImages(kind + " pool input gradient", dIn, w.inPerImage());
    float[] x = data(in);
    float[] y = data(out);
    float[] dy = data(dOut);
    float[] dx = data(dIn);
    parallel()
        .forEach(
            n,
            (long) w.outPerImage() * w.kernelH() * w.kernelW(),
            i ->
                CpuPoolOps.backward(
                    kind,
                    x,
                    in.offset() + i * w.inPerImage(),
                    y,
                    out.offset() + i * w.outPerImage(),
                    dy,
                    dOut.offset() + i * w.outPerImage(),
                    w,
                    dx,
                    dIn.offset() + i * w.inPerImage()));
  }

  @Override
  public void lrnForward(Tensor in, Lrn lrn, Tensor out, Tensor scale) {
    requireSameSize("lrn scale", in, scale);
    lrn(in, lrn, out, data(scale), scale.offset());
  }

  @Override
  public void lrnValues(Tensor in, Lrn lrn, Tensor out, Tensor scale) {
    lrn(in, lrn, out, null, 0);
  }

  /** LRN forward, writing the scale into {@code scale} (from {@code so}) only if not null. */
  private void lrn(Tensor in, Lrn lrn, Tensor out, float[] scale, int so) {
    requireSameSize("lrn", in, out);
    Shape s = in.shape();
    // A power and a window sum per value: worth splitting by channel even for one image.
    long cost = 16L * s.n() * s.plane();
    parallel()
        .forRange(
            s.c(),
            cost,
            (c0, c1, part) ->
                CpuNormOps.lrnForward(
                    data(in),
                    in.offset(),
                    lrn,
                    data(out),
                    out.offset(),
                    scale,
                    so,
                    s.n(),
                    s.c(),
                    s.plane(),
                    c0,
                    c1));
  }

  @Override
  public void lrnBackward(Tensor in, Tensor out, Tensor scale, Tensor dOut, Lrn lrn, Tensor dIn) {
    requireSameSize("lrn backward", in, out);
    requireSameSize("lrn backward", in, dOut);
    requireSameSize("lrn backward", in, dIn);
    Shape s = in.shape();
    long cost = 16L * s.n() * s.plane();
    parallel()
        .forRange(
            s.c(),
            cost,
            (c0, c1, part) ->
                CpuNormOps.lrnBackward(
                    data(in),
                    in.offset(),
                    data(out),
                    out.offset(),
                    data(scale),
                    scale.offset(),
                    data(dOut),
                    dOut.offset(),
                    lrn,
                    data(dIn),
                    dIn.offset(),
                    s.n(),
                    s.c(),
                    s.plane(),
                    c0,
                    c1));
  }

  @Override
  public void channelMeanVariance(Tensor in, Tensor mean, Tensor variance) {
    Shape s = in.shape();
    requireChannels("channel mean", mean, s.c());
    requireChannels("channel variance", variance, s.c());
    parallel()
        .forRange(
            s.c(),
            2L * s.n() * s.plane(),
            (c0, c1, part) ->
                CpuNormOps.meanVariance(
                    data(in),
                    in.offset(),
                    s.n(),
                    s.c(),
                    s.plane(),
                    data(mean),
                    mean.offset(),
                    data(variance),
                    variance.offset(),
                    c0,
                    c1));
  }

  @Override
  public void batchNormForward(
      Tensor in, Tensor mean, Tensor variance, float eps, Tensor gamma, Tensor beta, Tensor out) {
    Shape s = in.shape();
    requireSameSize("batch norm", in, out);
    for (Tensor t : new Tensor[] {mean, variance, gamma, beta}) {
      requireChannels("batch norm", t, s.c());
    }
    parallel()
        .forRange(
            s.c(),
            (long) s.n() * s.plane(),
            (c0, c1, part) ->
                CpuNormOps.batchNormForward(
                    data(in),
                    in.offset(),
                    s.n(),
                    s.c(),
                    s.plane(),
                    data(mean),
                    mean.offset(),
                    data(variance),
                    variance.offset(),
                    eps,
                    data(gamma),
                    gamma.offset(),
                    data(beta),
                    beta.offset(),
                    data(out),
                    out.offset(),
                    c0,
                    c1));
  }

  @Override
  public void batchNormBackward(
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
    requireSameSize("batch norm backward", in, dOut);
    if (dIn != null) {
      requireSameSize("batch norm backward", in, dIn);
    }
    for (Tensor t : new Tensor[] {mean, variance, gamma, dGamma, dBeta}) {
      requireChannels("batch norm backward", t, s.c());
    }
    float[] dx = dIn == null ? null : data(dIn);
    int dxOffset = dIn == null ? 0 : dIn.offset();
    parallel()
        .forRange(
            s.c(),
            4L * s.n() * s.plane(),
            (c0, c1, part) ->
                CpuNormOps.batchNormBackward(
                    data(in),
                    in.offset(),
                    s.n(),
                    s.c(),
                    s.plane(),
                    data(mean),
                    mean.offset(),
                    data(variance),
                    variance.offset(),
                    eps,
                    data(gamma),
                    gamma.offset(),
                    batchStatistics,
                    data(dOut),
                    dOut.offset(),
                    dx,
                    dxOffset,
                    data(dGamma),
                    dGamma.offset(),
                    data(dBeta),
                    dBeta.offset(),
                    c0,
                    c1));
  }
}
