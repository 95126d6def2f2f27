package io.vigil.engine.backend.cpu;

import static io.vigil.engine.backend.BackendChecks.checkRange;
import static io.vigil.engine.backend.BackendChecks.checkSpan;
import static io.vigil.engine.backend.BackendChecks.requireSameSize;

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
public final class CpuBackend implements Backend {

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
  public void upload(float[] src, int srcOffset, Tensor dst, int dstOffset, int length) {
    checkRange("upload destination", dst, dstOffset, length);
    System.arraycopy(src, srcOffset, data(dst), dst.offset() + dstOffset, length);
    dst.changed();
  }

  @Override
  public void download(Tensor src, int srcOffset, float[] dst, int dstOffset, int length) {
    checkRange("download source", src, srcOffset, length);
    System.arraycopy(data(src), src.offset() + srcOffset, dst, dstOffset, length);
  }

  @Override
  public void uploadInts(int[] src, int srcOffset, IntTensor dst, int length) {
    System.arraycopy(src, srcOffset, ints(dst), 0, length);
  }

  @Override
  public void downloadInts(IntTensor src, int[] dst, int dstOffset, int length) {
    System.arraycopy(ints(src), 0, dst, dstOffset, length);
  }

  @Override
  public void copy(Tensor src, Tensor dst) {
    requireSameSize("copy", src, dst);
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
  public void gemm(
      GemmOp op, Tensor a, int aOffset, Tensor b, int bOffset, Tensor c, int cOffset, Tensor ws) {
    checkSpan("A", a, aOffset, (op.batch() - 1) * op.strideA() + op.spanA());
    checkSpan("B", b, bOffset, (op.batch() - 1) * op.strideB() + op.spanB());
    checkSpan("C", c, cOffset, (op.batch() - 1) * op.strideC() + op.spanC());
    gemm.run(
        op,
        data(a),
        a.offset() + aOffset,
        data(b),
        b.offset() + bOffset,
        data(c),
        c.offset() + cOffset,
        ws == null ? null : data(ws),
        ws == null ? 0 : ws.offset());
  }

  @Override
  public void axpy(float a, Tensor x, Tensor y) {
    requireSameSize("axpy", x, y);
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
  public void adamUpdate(Tensor param, Tensor grad, Tensor m, Tensor v, AdamStep step) {
    requireSameSize("adamUpdate gradient", param, grad);
    requireSameSize("adamUpdate first moment", param, m);
    requireSameSize("adamUpdate second moment", param, v);
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
  public void convolve(Tensor images, ConvProduct p, Tensor cols, Tensor weights, Tensor out) {
    convolution.convolve(images, p, cols, weights, out);
  }

  @Override
  public void convolveInference(
      Tensor images, ConvProduct p, Tensor cols, Tensor weights, Tensor out, Epilogue epilogue) {
    convolution.convolveInference(images, p, cols, weights, out, epilogue);
  }

  @Override
  public void convolveBackwardInput(
      Tensor dOut, ConvProduct p, Tensor cols, Tensor weights, Tensor dIn) {
    convolution.convolveBackwardInput(dOut, p, cols, weights, dIn);
  }

  @Override
  public void im2col(Tensor images, Window2d window, Tensor cols) {
    windows.im2col(images, window, cols);
  }

  @Override
  public void col2im(Tensor cols, Window2d window, Tensor images) {
    windows.col2im(cols, window, images);
  }

  @Override
  public void maxPoolForward(Tensor in, Window2d window, Tensor out, IntTensor switches) {
    windows.maxPoolForward(in, window, out, switches);
  }

  @Override
  public void maxPoolValues(Tensor in, Window2d window, Tensor out, IntTensor switches) {
    windows.maxPoolValues(in, window, out, switches);
  }

  @Override
  public void maxPoolBackward(Tensor dOut, IntTensor switches, Window2d window, Tensor dIn) {
    windows.maxPoolBackward(dOut, switches, window, dIn);
  }

  @Override
  public void poolForward(PoolKind kind, Tensor in, Window2d window, Tensor out) {
    windows.poolForward(kind, in, window, out);
  }

  @Override
  public void poolBackward(
      PoolKind kind, Tensor in, Tensor out, Tensor dOut, Window2d window, Tensor dIn) {
    windows.poolBackward(kind, in, out, dOut, window, dIn);
  }

  // --- elementwise and reductions ----------------------------------------------------------

  @Override
  public void addChannelBias(Tensor t, Tensor bias) {
    epilogues.apply(t, Epilogue.bias(bias));
  }

  @Override
  public void applyEpilogue(Tensor t, Epilogue epilogue) {
    epilogues.apply(t, epilogue);
  }

  @Override
  public void accumulateChannelBiasGrad(Tensor dOut, Tensor dBias) {
    epilogues.accumulateBiasGrad(dOut, dBias);
  }

  @Override
  public void activation(ActivationKind kind, float alpha, Tensor in, Tensor out) {
    elementwise.activation(kind, alpha, in, out);
  }

  @Override
  public void activationBackward(
      ActivationKind kind, float alpha, Tensor in, Tensor out, Tensor dOut, Tensor dIn) {
    elementwise.activationBackward(kind, alpha, in, out, dOut, dIn);
  }

  @Override
  public void multiply(Tensor a, Tensor b, Tensor out) {
    elementwise.multiply(a, b, out);
  }

  @Override
  public void copyChannels(Tensor src, int srcChannel, Tensor dst, int dstChannel, int channels) {
    elementwise.copyChannels(src, srcChannel, dst, dstChannel, channels);
  }

  @Override
  public void softmax(Tensor logits, Tensor probs) {
    softmaxLoss.softmax(logits, probs);
  }

  @Override
  public void softmaxBackward(Tensor probs, Tensor dProbs, Tensor dLogits) {
    softmaxLoss.softmaxBackward(probs, dProbs, dLogits);
  }

  @Override
  public double crossEntropySum(Tensor probs, IntTensor labels) {
    return softmaxLoss.crossEntropySum(probs, labels);
  }

  @Override
  public void softmaxCrossEntropyBackward(
      Tensor probs, IntTensor labels, float scale, Tensor dLogits) {
    softmaxLoss.softmaxCrossEntropyBackward(probs, labels, scale, dLogits);
  }

  // --- normalisation -----------------------------------------------------------------------

  @Override
  public void lrnForward(Tensor in, Lrn lrn, Tensor out, Tensor scale) {
    normalisation.lrnForward(in, lrn, out, scale);
  }

  @Override
  public void lrnValues(Tensor in, Lrn lrn, Tensor out, Tensor scale) {
    normalisation.lrnValues(in, lrn, out, scale);
  }

  @Override
  public void lrnBackward(Tensor in, Tensor out, Tensor scale, Tensor dOut, Lrn lrn, Tensor dIn) {
    normalisation.lrnBackward(in, out, scale, dOut, lrn, dIn);
  }

  @Override
  public void channelMeanVariance(Tensor in, Tensor mean, Tensor variance) {
    normalisation.channelMeanVariance(in, mean, variance);
  }

  @Override
  public void batchNormForward(
      Tensor in, Tensor mean, Tensor variance, float eps, Tensor gamma, Tensor beta, Tensor out) {
    normalisation.batchNormForward(in, mean, variance, eps, gamma, beta, out);
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
    normalisation.batchNormBackward(
        in, mean, variance, eps, gamma, batchStatistics, dOut, dIn, dGamma, dBeta);
  }
}
