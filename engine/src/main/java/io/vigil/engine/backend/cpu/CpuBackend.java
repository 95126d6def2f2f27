package io.vigil.engine.backend.cpu;

import io.vigil.engine.backend.ActivationKind;
import io.vigil.engine.backend.AdamStep;
import io.vigil.engine.backend.Backend;
import io.vigil.engine.backend.ConvProduct;
import io.vigil.engine.backend.Epilogue;
import io.vigil.engine.backend.GemmOp;
import io.vigil.engine.backend.Lrn;
import io.vigil.engine.backend.PoolKind;
import io.vigil.engine.backend.Window2d;
import io.vigil.engine.tensor.IntTensor;
import io.vigil.engine.tensor.Shape;
import io.vigil.engine.tensor.Tensor;

/**
 * The always-present backend: host tensors on the Java heap, ops in plain Java spread over a fixed
 * set of threads. Batched ops (im2col, pooling) split the images between threads; GEMM goes through
 * {@link CpuGemmDriver} (batches, column strips, sums over a batch) with the kernel {@link CpuGemm}
 * chose once (Vector API when available). Nothing is allocated per call except the small task
 * objects of a parallel hand-off.
 *
 * <p>This class holds memory, transfers, GEMM and the optimizer steps; each family of the other ops
 * is a final class it delegates to: {@link CpuConvolution}, {@link CpuWindowPasses}, {@link
 * CpuEpilogues}, {@link CpuElementwise}, {@link CpuSoftmaxLoss} and {@link CpuNormalisation}.
 */
public final class CpuBackend extends Backend {

  private static final class Shared {
    static final CpuBackend INSTANCE = new CpuBackend(Runtime.getRuntime().availableProcessors());
  }

  private final Parallel parallel;
  private final CpuGemmDriver gemm;
  private final CpuEpilogues epilogues;
  private final CpuElementwise elementwise;
  private final CpuSoftmaxLoss softmaxLoss;
  private final CpuNormalisation normalisation;
  private final CpuWindowPasses windows;
  private final CpuConvolution convolution;

  /** A backend with its own {@code threads} worker threads (the caller counts as one). */
  public CpuBackend(int threads) {
    this.parallel = new Parallel(threads);
    this.gemm = new CpuGemmDriver(CpuGemm.kernel(), parallel);
    this.epilogues = new CpuEpilogues(this, parallel);
    this.elementwise = new CpuElementwise(this, parallel);
    this.softmaxLoss = new CpuSoftmaxLoss(this);
    this.normalisation = new CpuNormalisation(this, parallel);
    this.windows = new CpuWindowPasses(this, parallel);
    this.convolution = new CpuConvolution(this, parallel, CpuGemm.kernel(), windows, epilogues);
  }

  /**
   * Floats the CPU backend keeps beside a convolution's weights once inference has run it: its
   * filters transformed for Winograd (16 per 3×3 filter and channel, against 9 weights) where it
   * takes that path; 0 elsewhere. For the memory report of {@code vigil model summary}.
   */
  public static long keptInferenceFloats(Window2d window, int groups, int filters) {
    return CpuWinograd.keptFloats(window, groups, filters);
  }

  /** One backend per process using every available core; what networks use by default. */
  public static CpuBackend shared() {
    return Shared.INSTANCE;
  }

  public int threads() {
    return parallel.threads();
  }

  @Override
  public int shareWorkers() {
    return parallel.threads();
  }

  @Override
  public void forShares(int count, ShareTask task) {
    // The cost only has to clear Parallel's hand-off threshold: a share is a whole network's work.
    parallel.forRange(count, Integer.MAX_VALUE, task::run);
  }

  @Override
  public String name() {
    return "cpu(" + parallel.threads() + " threads)";
  }

  // --- memory ------------------------------------------------------------------------------

  @Override
  public Tensor allocate(Shape shape) {
    return new Tensor(this, shape, new Tensor.HostStorage(new float[shape.size()]), 0);
  }

  @Override
  public IntTensor allocateInts(int length) {
    return new IntTensor(this, length, new int[length]);
  }

  /** The heap array behind a host tensor of this backend. */
  public float[] data(Tensor t) {
    if (t.owner() != this || !(t.storage() instanceof Tensor.HostStorage host)) {
      throw new IllegalArgumentException(
          t + " is not owned by " + name() + "; copy it explicitly between backends");
    }
    return host.data();
  }

  /** The heap array behind a host int tensor of this backend. */
  int[] ints(IntTensor t) {
    if (t.owner() != this || !(t.storage() instanceof int[] array)) {
      throw new IllegalArgumentException("int tensor is not owned by " + name());
    }
    return array;
  }

  @Override
  protected void uploadUnchecked(
      float[] src, int srcOffset, Tensor dst, int dstOffset, int length) {
    System.arraycopy(src, srcOffset, data(dst), dst.offset() + dstOffset, length);
    dst.changed();
  }

  @Override
  protected void downloadUnchecked(
      Tensor src, int srcOffset, float[] dst, int dstOffset, int length) {
    System.arraycopy(data(src), src.offset() + srcOffset, dst, dstOffset, length);
  }

  @Override
  protected void uploadIntsUnchecked(int[] src, int srcOffset, IntTensor dst, int length) {
    System.arraycopy(src, srcOffset, ints(dst), 0, length);
  }

  @Override
  protected void downloadIntsUnchecked(IntTensor src, int[] dst, int dstOffset, int length) {
    System.arraycopy(ints(src), 0, dst, dstOffset, length);
  }

  @Override
  protected void copyUnchecked(Tensor src, Tensor dst) {
    System.arraycopy(data(src), src.offset(), data(dst), dst.offset(), src.size());
    dst.changed();
  }

  @Override
  public void fill(Tensor t, float value) {
    java.util.Arrays.fill(data(t), t.offset(), t.offset() + t.size(), value);
    t.changed();
  }

  // --- linear algebra ----------------------------------------------------------------------

  @Override
  public int gemmWorkspaceSize(GemmOp op) {
    return gemm.workspaceSize(op);
  }

  @Override
  protected void gemmUnchecked(
      GemmOp op, Tensor a, int aOffset, Tensor b, int bOffset, Tensor c, int cOffset, Tensor ws) {
    gemm.run(
        op,
        MatrixView.a(op, data(a), a.offset() + aOffset),
        MatrixView.b(op, data(b), b.offset() + bOffset),
        MatrixView.c(op, data(c), c.offset() + cOffset),
        ws == null ? null : data(ws),
        ws == null ? 0 : ws.offset());
  }

  @Override
  protected void axpyUnchecked(float a, Tensor x, Tensor y) {
    float[] xv = data(x);
    float[] yv = data(y);
    int xo = x.offset();
    int yo = y.offset();
    // Each value on its own: split between threads (a residual sum at batch 1), same results.
    parallel.forRange(
        x.size(),
        1,
        (from, to, part) -> {
          for (int i = from; i < to; i++) {
            yv[yo + i] += a * xv[xo + i];
          }
        });
    y.changed();
  }

  @Override
  protected void adamUpdateUnchecked(Tensor param, Tensor grad, Tensor m, Tensor v, AdamStep step) {
    CpuOptimizerOps.adam(
        data(param),
        param.offset(),
        data(grad),
        grad.offset(),
        data(m),
        m.offset(),
        data(v),
        v.offset(),
        param.size(),
        step);
    param.changed();
  }

  @Override
  public void scale(Tensor x, float a) {
    float[] xv = data(x);
    for (int i = x.offset(), end = x.offset() + x.size(); i < end; i++) {
      xv[i] *= a;
    }
    x.changed();
  }

  // --- convolution and pooling -------------------------------------------------------------

  @Override
  protected void convolveUnchecked(
      Tensor images, ConvProduct p, Tensor cols, Tensor weights, Tensor out) {
    convolution.convolve(images, p, cols, weights, out);
  }

  @Override
  protected void convolveInferenceUnchecked(
      Tensor images, ConvProduct p, Tensor cols, Tensor weights, Tensor out, Epilogue epilogue) {
    convolution.convolveInference(images, p, cols, weights, out, epilogue);
  }

  @Override
  protected void convolveBackwardInputUnchecked(
      Tensor dOut, ConvProduct p, Tensor cols, Tensor weights, Tensor dIn) {
    convolution.convolveBackwardInput(dOut, p, cols, weights, dIn);
  }

  @Override
  protected void im2colUnchecked(Tensor images, Window2d window, Tensor cols) {
    windows.im2col(images, window, cols);
  }

  @Override
  protected void col2imUnchecked(Tensor cols, Window2d window, Tensor images) {
    windows.col2im(cols, window, images);
  }

  @Override
  protected void maxPoolForwardUnchecked(
      Tensor in, Window2d window, Tensor out, IntTensor switches) {
    windows.maxPoolForward(in, window, out, switches);
  }

  @Override
  protected void maxPoolValuesUnchecked(
      Tensor in, Window2d window, Tensor out, IntTensor switches) {
    windows.maxPoolValues(in, window, out, switches);
  }

  @Override
  protected void maxPoolBackwardUnchecked(
      Tensor dOut, IntTensor switches, Window2d window, Tensor dIn) {
    windows.maxPoolBackward(dOut, switches, window, dIn);
  }

  @Override
  protected void poolForwardUnchecked(PoolKind kind, Tensor in, Window2d window, Tensor out) {
    windows.poolForward(kind, in, window, out);
  }

  @Override
  protected void poolBackwardUnchecked(
      PoolKind kind, Tensor in, Tensor out, Tensor dOut, Window2d window, Tensor dIn) {
    windows.poolBackward(kind, in, out, dOut, window, dIn);
  }

  // --- elementwise and reductions ----------------------------------------------------------

  @Override
  protected void addChannelBiasUnchecked(Tensor t, Tensor bias) {
    epilogues.apply(t, Epilogue.bias(bias));
  }

  @Override
  protected void applyEpilogueUnchecked(Tensor t, Epilogue epilogue) {
    epilogues.apply(t, epilogue);
  }

  @Override
  protected void accumulateChannelBiasGradUnchecked(Tensor dOut, Tensor dBias) {
    epilogues.accumulateBiasGrad(dOut, dBias);
  }

  @Override
  protected void activationUnchecked(ActivationKind kind, float alpha, Tensor in, Tensor out) {
    elementwise.activation(kind, alpha, in, out);
  }

  @Override
  protected void activationBackwardUnchecked(
      ActivationKind kind, float alpha, Tensor in, Tensor out, Tensor dOut, Tensor dIn) {
    elementwise.activationBackward(kind, alpha, in, out, dOut, dIn);
  }

  @Override
  protected void multiplyUnchecked(Tensor a, Tensor b, Tensor out) {
    elementwise.multiply(a, b, out);
  }

  @Override
  protected void copyChannelsUnchecked(
      Tensor src, int srcChannel, Tensor dst, int dstChannel, int channels) {
    elementwise.copyChannels(src, srcChannel, dst, dstChannel, channels);
  }

  @Override
  protected void softmaxUnchecked(Tensor logits, Tensor probs) {
    softmaxLoss.softmax(logits, probs);
  }

  @Override
  protected void softmaxBackwardUnchecked(Tensor probs, Tensor dProbs, Tensor dLogits) {
    softmaxLoss.softmaxBackward(probs, dProbs, dLogits);
  }

  @Override
  protected double crossEntropySumUnchecked(Tensor probs, IntTensor labels) {
    return softmaxLoss.crossEntropySum(probs, labels);
  }

  @Override
  protected void softmaxCrossEntropyBackwardUnchecked(
      Tensor probs, IntTensor labels, float scale, Tensor dLogits) {
    softmaxLoss.softmaxCrossEntropyBackward(probs, labels, scale, dLogits);
  }

  // --- normalisation -----------------------------------------------------------------------

  @Override
  protected void lrnForwardUnchecked(Tensor in, Lrn lrn, Tensor out, Tensor scale) {
    normalisation.lrnForward(in, lrn, out, scale);
  }

  @Override
  protected void lrnValuesUnchecked(Tensor in, Lrn lrn, Tensor out, Tensor scale) {
    normalisation.lrnValues(in, lrn, out, scale);
  }

  @Override
  protected void lrnBackwardUnchecked(
      Tensor in, Tensor out, Tensor scale, Tensor dOut, Lrn lrn, Tensor dIn) {
    normalisation.lrnBackward(in, out, scale, dOut, lrn, dIn);
  }

  @Override
  protected void channelMeanVarianceUnchecked(Tensor in, Tensor mean, Tensor variance) {
    normalisation.channelMeanVariance(in, mean, variance);
  }

  @Override
  protected void batchNormForwardUnchecked(
      Tensor in, Tensor mean, Tensor variance, float eps, Tensor gamma, Tensor beta, Tensor out) {
    normalisation.batchNormForward(in, mean, variance, eps, gamma, beta, out);
  }

  @Override
  protected void batchNormBackwardUnchecked(
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
    normalisation.batchNormBackward(
        in, mean, variance, eps, gamma, batchStatistics, dOut, dIn, dGamma, dBeta);
  }
}
