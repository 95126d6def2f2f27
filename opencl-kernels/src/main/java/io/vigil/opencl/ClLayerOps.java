package io.vigil.opencl;

import static io.vigil.engine.backend.BackendChecks.requireChannels;
import static io.vigil.engine.backend.BackendChecks.requireImages;
import static io.vigil.engine.backend.BackendChecks.requireSameSize;

import io.vigil.engine.backend.ActivationKind;
import io.vigil.engine.backend.BackendChecks;
import io.vigil.engine.backend.ConvProduct;
import io.vigil.engine.backend.Epilogue;
import io.vigil.engine.backend.Lrn;
import io.vigil.engine.backend.Normalisation;
import io.vigil.engine.backend.PoolKind;
import io.vigil.engine.backend.Window2d;
import io.vigil.engine.tensor.IntTensor;
import io.vigil.engine.tensor.Shape;
import io.vigil.engine.tensor.Tensor;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The elementwise, activation, pooling and normalisation ops of {@link OpenClBackend}, and its
 * inference forms (fused epilogue, direct convolution, pooling without switches), kept apart from
 * its memory, GEMM and loss ops so that each file has one job. Each checks its arguments and
 * enqueues one kernel (two for the softmax backward); formulas are in the engine's {@code Backend}.
 */
abstract sealed class ClLayerOps extends ClOps permits OpenClBackend {

  private static final String ELEMENTWISE = "elementwise";
  private static final String ACTIVATION = "activation";
  private static final String POOL = "pool";
  private static final String NORM = "norm";
  private static final String EPILOGUE = "epilogue";
  private static final String MAX_POOL_VALUES = "max_pool_values";

  @Override
  public synchronized void addChannelBias(Tensor t, Tensor bias) {
    Shape s = t.shape();
    requireChannels("bias", bias, s.c());
    if (s.n() == 0) {
      return;
    }
    tensor(tensor(launch(ELEMENTWISE, "add_channel_bias"), t), bias)
        .i(s.c())
        .i(s.plane())
        .run(new long[] {s.plane(), (long) s.n() * s.c()}, null);
  }

  /** Bias and activation in one launch of {@code epilogue.cl} instead of one each. */
  @Override
  public synchronized void applyEpilogue(Tensor t, Epilogue epilogue) {
    Shape s = t.shape();
    if (epilogue.bias() != null) {
      requireChannels("epilogue bias", epilogue.bias(), s.c());
    }
    Normalisation norm = epilogue.norm();
    if (norm != null) {
      // The epilogue kernel has no batch norm: the bias, the normalisation in place, then the
      // activation alone.
      if (epilogue.bias() != null) {
        addChannelBias(t, epilogue.bias());
      }
      batchNormForward(t, norm.mean(), norm.variance(), norm.eps(), norm.gamma(), norm.beta(), t);
      epilogue = new Epilogue(null, epilogue.activation(), epilogue.alpha());
    }
    buffer(t);
    if (epilogue.isEmpty() || s.size() == 0) {
      return;
    }
    epilogue(tensor(launch(EPILOGUE, EPILOGUE), t), epilogue, t)
        .run(new long[] {s.plane(), s.c(), s.n()}, null);
  }

  /**
   * One launch of {@code conv_direct.cl} (product, bias and activation) where {@link
   * ClDirectConv#suits}; otherwise im2col, GEMM per group and one epilogue launch.
   */
  @Override
  public synchronized void convolveInference(
      Tensor images, ConvProduct p, Tensor cols, Tensor weights, Tensor out, Epilogue epilogue) {
    int n = images.shape().n();
    if (!ClDirectConv.suits(p, n, cl().tuning("CONV_VW"))) {
      super.convolveInference(images, p, cols, weights, out, epilogue);
      return;
    }
    Window2d window = p.window();
    int groups = p.groups();
    int filters = groups * p.op().m();
    requireImages("convolution input", images, window.inPerImage());
    requireImages("convolution output", out, filters * window.positions());
    BackendChecks.checkSpan("convolution weights", weights, 0, (long) groups * p.weightStride());
    if (epilogue.bias() != null) {
      requireChannels("convolution bias", epilogue.bias(), filters);
    }
    if (n > 0 && epilogue.norm() == null) {
      ClDirectConv.run(this, images, window, groups, filters, weights, out, epilogue, n);
    } else if (n > 0) {
      ClDirectConv.run(
          this, images, window, groups, filters, weights, out, Epilogue.bias(epilogue.bias()), n);
      applyEpilogue(out, epilogue.withoutBias());
    }
  }

  /**
   * Max pooling without the switches, the window compiled into {@code max_pool_values.cl}; a
   * dilated window (which pool.cl does not support either) goes to {@link #maxPoolForward}.
   */
  @Override
  public synchronized void maxPoolValues(Tensor in, Window2d w, Tensor out, IntTensor switches) {
    if (w.dilationH() != 1 || w.dilationW() != 1) {
      maxPoolForward(in, w, out, switches);
      return;
    }
    int n = in.shape().n();
    requireImages("max pool input", in, w.inPerImage());
    requireImages("max pool output", out, w.outPerImage());
    if (n == 0) {
      return;
    }
    String options = POOL_OPTIONS.computeIfAbsent(w, ClLayerOps::poolOptions);
    long[] perPlane = {w.outW(), w.outH(), (long) n * w.channels()};
    tensor(tensor(launch(MAX_POOL_VALUES, MAX_POOL_VALUES, options), in), out)
        .run(perPlane, Launch.perImage(cl(), perPlane));
  }

  /** Build options of max_pool_values per window, kept: formatting them costs microseconds. */
  private static final Map<Window2d, String> POOL_OPTIONS = new ConcurrentHashMap<>();

  private static String poolOptions(Window2d w) {
    boolean clipped =
        w.padH() > 0
            || w.padW() > 0
            || (w.outH() - 1) * w.strideH() + w.kernelH() > w.height()
            || (w.outW() - 1) * w.strideW() + w.kernelW() > w.width();
    return String.format(
        "-DH=%d -DW=%d -DKH=%d -DKW=%d -DSH=%d -DSW=%d -DPH=%d -DPW=%d -DCLIPPED=%d",
        w.height(),
        w.width(),
        w.kernelH(),
        w.kernelW(),
        w.strideH(),
        w.strideW(),
        w.padH(),
        w.padW(),
        clipped ? 1 : 0);
  }

  @Override
  public synchronized void accumulateChannelBiasGrad(Tensor dOut, Tensor dBias) {
    Shape s = dOut.shape();
    requireChannels("bias gradient", dBias, s.c());
    int wg = cl().tuning("WG");
    tensor(launch(NORM, "channel_sum_accumulate"), dOut)
        .i(s.n())
        .i(s.c())
        .i(s.plane())
        .tensor(dBias)
        .groups(s.n() == 0 ? 0 : s.c(), wg);
  }

  @Override
  public synchronized void activation(ActivationKind kind, float alpha, Tensor in, Tensor out) {
    requireSameSize(kind + " activation", in, out);
    Launch l = launch(ACTIVATION, "activation").i(kind.ordinal()).f(alpha);
    tensor(tensor(l, in), out).i(in.size()).run1d(in.size());
  }

  @Override
  public synchronized void activationBackward(
      ActivationKind kind, float alpha, Tensor in, Tensor out, Tensor dOut, Tensor dIn) {
    requireSameSize(kind + " activation backward", in, out);
    requireSameSize(kind + " activation backward", in, dOut);
    requireSameSize(kind + " activation backward", in, dIn);
    Launch l = launch(ACTIVATION, "activation_backward").i(kind.ordinal()).f(alpha);
    tensor(tensor(tensor(tensor(l, in), out), dOut), dIn).i(in.size()).run1d(in.size());
  }

  @Override
  public synchronized void softmax(Tensor logits, Tensor probs) {
    requireSameSize("softmax", logits, probs);
    int rows = logits.shape().n();
    tensor(tensor(launch(ACTIVATION, "softmax"), logits), probs)
        .i(rows)
        .i(logits.shape().perImage())
        .run1d(rows);
  }

  @Override
  public synchronized void softmaxBackward(Tensor probs, Tensor dProbs, Tensor dLogits) {
    requireSameSize("softmax backward", probs, dProbs);
    requireSameSize("softmax backward", probs, dLogits);
    int rows = probs.shape().n();
    tensor(tensor(tensor(launch(ACTIVATION, "softmax_backward"), probs), dProbs), dLogits)
        .i(rows)
        .i(probs.shape().perImage())
        .run1d(rows);
  }

  @Override
  public synchronized void multiply(Tensor a, Tensor b, Tensor out) {
    requireSameSize("multiply", a, b);
    requireSameSize("multiply", a, out);
    tensor(tensor(tensor(launch(ELEMENTWISE, "multiply"), a), b), out).i(a.size()).run1d(a.size());
    out.changed();
  }

  @Override
  public synchronized void copyChannels(
      Tensor src, int srcChannel, Tensor dst, int dstChannel, int channels) {
    BackendChecks.checkChannelCopy(src, srcChannel, dst, dstChannel, channels);
    Shape s = src.shape();
    Shape d = dst.shape();
    int total = s.n() * channels * s.plane();
    tensor(launch(ELEMENTWISE, "copy_channels"), src)
        .i(s.c())
        .i(srcChannel)
        .tensor(dst)
        .i(d.c())
        .i(dstChannel)
        .i(channels)
        .i(s.plane())
        .i(total)
        .run1d(total);
    dst.changed();
  }

  @Override
  public synchronized void poolForward(PoolKind kind, Tensor in, Window2d w, Tensor out) {
    int n = in.shape().n();
    requireImages(kind + " pool input", in, w.inPerImage());
    requireImages(kind + " pool output", out, w.outPerImage());
    Launch l = tensor(tensor(launch(POOL, "pool_forward").i(kind.ordinal()), in), out).i(n);
    window(l, w).run1d((long) n * w.channels() * w.outH());
  }

  @Override
  public synchronized void poolBackward(
      PoolKind kind, Tensor in, Tensor out, Tensor dOut, Window2d w, Tensor dIn) {
    int n = in.shape().n();
    requireImages(kind + " pool input", in, w.inPerImage());
    requireImages(kind + " pool output", out, w.outPerImage());
    requireImages(kind + " pool gradient", dOut, w.outPerImage());
    requireImages(kind + " pool input gradient", dIn, w.inPerImage());
    Launch l = launch(POOL, "pool_backward").i(kind.ordinal());
    l = tensor(tensor(tensor(tensor(l, in), out), dOut), dIn).i(n);
    window(l, w).run1d((long) n * w.channels() * w.height());
  }

  @Override
  public synchronized void lrnForward(Tensor in, Lrn lrn, Tensor out, Tensor scale) {
    requireSameSize("lrn", in, out);
    requireSameSize("lrn scale", in, scale);
    Shape s = in.shape();
    tensor(tensor(tensor(launch(NORM, "lrn_forward"), in), out), scale)
        .i(in.size())
        .i(s.c())
        .i(s.plane())
        .i(lrn.before())
        .i(lrn.after())
        .f(lrn.alpha())
        .f(lrn.beta())
        .f(lrn.k())
        .run1d(in.size());
  }

  @Override
  public synchronized void lrnBackward(
      Tensor in, Tensor out, Tensor scale, Tensor dOut, Lrn lrn, Tensor dIn) {
    requireSameSize("lrn backward", in, out);
    requireSameSize("lrn backward", in, scale);
    requireSameSize("lrn backward", in, dOut);
    requireSameSize("lrn backward", in, dIn);
    Shape s = in.shape();
    Launch l = tensor(tensor(tensor(launch(NORM, "lrn_backward"), in), out), scale);
    tensor(tensor(l, dOut), dIn)
        .i(in.size())
        .i(s.c())
        .i(s.plane())
        .i(lrn.before())
        .i(lrn.after())
        .f(lrn.alpha())
        .f(lrn.beta())
        .run1d(in.size());
  }

  @Override
  public synchronized void channelMeanVariance(Tensor in, Tensor mean, Tensor variance) {
    Shape s = in.shape();
    requireChannels("channel mean", mean, s.c());
    requireChannels("channel variance", variance, s.c());
    if (s.n() == 0) {
      throw new IllegalArgumentException("channel mean and variance of an empty batch " + s);
    }
    tensor(launch(NORM, "mean_variance"), in)
        .i(s.n())
        .i(s.c())
        .i(s.plane())
        .tensor(mean)
        .tensor(variance)
        .groups(s.c(), cl().tuning("WG"));
  }

  @Override
  public synchronized void batchNormForward(
      Tensor in, Tensor mean, Tensor variance, float eps, Tensor gamma, Tensor beta, Tensor out) {
    Shape s = in.shape();
    requireSameSize("batch norm", in, out);
    for (Tensor t : new Tensor[] {mean, variance, gamma, beta}) {
      requireChannels("batch norm", t, s.c());
    }
    if (s.n() == 0) {
      return;
    }
    Launch l = tensor(launch(NORM, "batch_norm_forward"), in).i(s.c()).i(s.plane());
    l = tensor(tensor(l, mean), variance).f(eps);
    tensor(tensor(tensor(l, gamma), beta), out)
        .run(new long[] {s.plane(), (long) s.n() * s.c()}, null);
  }

  @Override
  public synchronized void batchNormBackward(
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
    Launch l = tensor(launch(NORM, "batch_norm_backward"), in).i(s.n()).i(s.c()).i(s.plane());
    l = tensor(tensor(l, mean), variance).f(eps);
    l = tensor(tensor(l, gamma).i(batchStatistics ? 1 : 0), dOut).i(dIn == null ? 0 : 1);
    // Without dIn the kernel never writes dx; any valid buffer fills the argument slot.
    l = dIn == null ? l.tensor(dOut) : tensor(l, dIn);
    tensor(tensor(l, dGamma), dBeta).groups(s.n() == 0 ? 0 : s.c(), cl().tuning("WG"));
  }
}
