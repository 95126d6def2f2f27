package io.vigil.engine.backend.cpu;

import static io.vigil.engine.backend.BackendChecks.checkRange;
import static io.vigil.engine.backend.BackendChecks.checkSpan;
import static io.vigil.engine.backend.BackendChecks.requireImages;
import static io.vigil.engine.backend.BackendChecks.requireSameSize;

import io.vigil.engine.backend.AdamStep;
import io.vigil.engine.backend.ConvProduct;
import io.vigil.engine.backend.Epilogue;
import io.vigil.engine.backend.GemmOp;
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
 */
public final class CpuBackend extends CpuLayerOps {

  private static final class Shared {
    static final CpuBackend INSTANCE = new CpuBackend(Runtime.getRuntime().availableProcessors());
  }

  private final Parallel parallel;
  private final CpuGemmDriver gemm;
  private final CpuWinograd winograd;

  /** A backend with its own {@code threads} worker threads (the caller counts as one). */
  public CpuBackend(int threads) {
    this.parallel = new Parallel(threads);
    this.gemm = new CpuGemmDriver(CpuGemm.kernel(), parallel);
    this.winograd = new CpuWinograd(CpuGemm.kernel(), parallel);
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

  @Override
  Parallel parallel() {
    return parallel;
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
  @Override
  public float[] data(Tensor t) {
    if (t.owner() != this || !(t.storage() instanceof Tensor.HostStorage host)) {
      throw new IllegalArgumentException(
          t + " is not owned by " + name() + "; copy it explicitly between backends");
    }
    return host.data();
  }

  @Override
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

  /**
   * 3×3 stride-1 layers where {@link CpuWinograd} is faster go through Winograd's F(2×2, 3×3),
   * which still unfolds the columns for the weight gradient. Otherwise, with at least two images
   * per thread, each thread unfolds one image and multiplies it at once (its columns, e.g. 78 KB
   * for LeNet-5's first layer, are still in L2), instead of unfolding the whole batch (2.5 MB at
   * batch 32) before the products read it back from memory. Each product is the same kernel call
   * the batched GEMM would make, so the results are bit for bit the same.
   */
  @Override
  public void convolve(Tensor images, ConvProduct p, Tensor cols, Tensor weights, Tensor out) {
    Window2d w = p.window();
    GemmOp op = p.op();
    int groups = p.groups();
    int weightStride = p.weightStride();
    int colStride = p.colStride();
    int outStride = p.outStride();
    int n = images.shape().n();
    if (winograd.suits(w, op, groups, n, false)) {
      winograd(images, p, cols, weights, out, false);
      return;
    }
    if (n < 2 * parallel.threads()
        || op.batch() != n
        || op.strideA() != 0
        || op.strideB() != w.colsPerImage()) {
      im2col(images, w, cols);
      for (int j = 0; j < groups; j++) {
        gemm(op, weights, j * weightStride, cols, j * colStride, out, j * outStride, null);
      }
      return;
    }
    checkForward(images, p, cols, weights, out);
    float[] x = data(images);
    float[] cv = data(cols);
    float[] wv = data(weights);
    float[] y = data(out);
    GemmKernel kernel = gemm.kernel();
    long cost = (long) groups * op.m() * op.n() * op.k() + w.colsPerImage();
    parallel.forEach(
        n,
        cost,
        i -> {
          int colBase = cols.offset() + i * w.colsPerImage();
          CpuWindowOps.im2col(x, images.offset() + i * w.inPerImage(), w, cv, colBase);
          for (int j = 0; j < groups; j++) {
            kernel.gemm(
                op.transA(),
                op.transB(),
                0,
                op.m(),
                op.n(),
                op.k(),
                op.alpha(),
                wv,
                weights.offset() + j * weightStride,
                op.lda(),
                cv,
                colBase + j * colStride,
                op.ldb(),
                op.beta(),
                y,
                out.offset() + i * op.strideC() + j * outStride,
                op.ldc());
          }
        });
  }

  /** The spans a forward product reads and writes; {@code cols} may be null (not written). */
  private static void checkForward(
      Tensor images, ConvProduct p, Tensor cols, Tensor weights, Tensor out) {
    Window2d w = p.window();
    GemmOp op = p.op();
    int n = images.shape().n();
    requireImages("convolve", images, w.inPerImage());
    if (cols != null) {
      checkSpan("convolution columns", cols, 0, n * w.colsPerImage());
    }
    checkSpan("convolution weights", weights, 0, (p.groups() - 1) * p.weightStride() + op.spanA());
    checkSpan(
        "convolution output",
        out,
        0,
        (n - 1) * op.strideC() + (p.groups() - 1) * p.outStride() + op.spanC());
  }

  /**
   * The forward product by {@link CpuWinograd}, unfolding each image's columns into {@code cols}
   * for the weight gradient unless {@code cols} is null (inference). With {@code keepFilters}
   * (inference) the transformed filters are kept with the weights ({@link Tensor#derived}) and
   * reused until the weights change; training transforms them on every call into scratch, since
   * every step changes them.
   */
  private void winograd(
      Tensor images, ConvProduct p, Tensor cols, Tensor weights, Tensor out, boolean keepFilters) {
    checkForward(images, p, cols, weights, out);
    GemmOp op = p.op();
    int channels = p.window().channels() / p.groups();
    CpuWinograd.Filters u = null;
    long version = weights.version();
    if (keepFilters
        && weights.derived() instanceof CpuWinograd.Filters kept
        && kept.fits(p.groups(), op.m(), channels)) {
      u = kept;
    }
    if (u == null) {
      u =
          winograd.transform(
              data(weights),
              weights.offset(),
              p.weightStride(),
              op,
              p.groups(),
              channels,
              keepFilters);
      if (keepFilters) {
        weights.keepDerived(version, u);
      }
    }
    winograd.convolve(
        data(images),
        images.offset(),
        p.window(),
        op,
        p.groups(),
        u,
        data(out),
        out.offset(),
        p.outStride(),
        images.shape().n(),
        cols == null ? null : data(cols),
        cols == null ? 0 : cols.offset());
  }

  /**
   * Straight from the images where {@link DirectConvolution#suits} (LeNet-5's layers: no column
   * matrix to write and read back), each thread taking whole images; by Winograd without unfolding
   * the columns where {@link CpuWinograd} is faster; {@link #convolve} otherwise.
   */
  @Override
  public void convolveInference(
      Tensor images, ConvProduct p, Tensor cols, Tensor weights, Tensor out, Epilogue epilogue) {
    DirectConvolution direct = DirectConvolution.chosen();
    int n = images.shape().n();
    if (direct == null || !DirectConvolution.suits(p, n)) {
      if (winograd.suits(p.window(), p.op(), p.groups(), n, true)) {
        winograd(images, p, null, weights, out, true);
      } else {
        convolve(images, p, cols, weights, out);
      }
      applyEpilogue(out, epilogue);
      return;
    }
    Window2d w = p.window();
    GemmOp op = p.op();
    int groups = p.groups();
    int filters = groups * op.m();
    requireImages("convolve", images, w.inPerImage());
    requireImages("convolution output", out, filters * w.positions());
    checkSpan("convolution weights", weights, 0, groups * p.weightStride());
    float[] x = data(images);
    float[] wv = data(weights);
    float[] y = data(out);
    long cost = (long) filters * w.positions() * op.k();
    EpilogueValues ep = epilogueValues(epilogue, filters);
    // Each image's epilogue runs as soon as its product is done, while its output is in cache.
    parallel.forEach(
        n,
        cost,
        i -> {
          int yo = out.offset() + i * op.strideC();
          direct.convolve(
              x,
              images.offset() + i * w.inPerImage(),
              w,
              groups,
              wv,
              weights.offset(),
              filters,
              y,
              yo);
          ep.apply(y, yo, 0, filters, w.positions());
        });
  }

  /**
   * As {@link #convolve}, the other way: with at least two images per thread, each thread computes
   * one image's column gradient and folds it back at once, while it is still in cache. Each product
   * is the same kernel call the batched GEMM would make: the results are bit for bit the same.
   */
  @Override
  public void convolveBackwardInput(
      Tensor dOut, ConvProduct p, Tensor cols, Tensor weights, Tensor dIn) {
    Window2d w = p.window();
    GemmOp op = p.op();
    int groups = p.groups();
    int weightStride = p.weightStride();
    int colStride = p.colStride();
    int outStride = p.outStride();
    int n = dIn.shape().n();
    if (n < 2 * parallel.threads()
        || op.batch() != n
        || op.strideA() != 0
        || op.strideC() != w.colsPerImage()) {
      for (int j = 0; j < groups; j++) {
        gemm(op, weights, j * weightStride, dOut, j * outStride, cols, j * colStride, null);
      }
      col2im(cols, w, dIn);
      return;
    }
    requireImages("convolution input gradient", dIn, w.inPerImage());
    checkSpan("convolution columns", cols, 0, n * w.colsPerImage());
    checkSpan("convolution weights", weights, 0, (groups - 1) * weightStride + op.spanA());
    checkSpan(
        "convolution output gradient",
        dOut,
        0,
        (n - 1) * op.strideB() + (groups - 1) * outStride + op.spanB());
    float[] dy = data(dOut);
    float[] cv = data(cols);
    float[] dx = data(dIn);
    // Every image multiplies by the same Wᵀ: transposed once here, the kernel reads it in place
    // instead of repacking it per image (the same values in the same order: the same sums).
    float[] wv;
    int wOff;
    int wGroupStride;
    int lda;
    if (op.transA()) {
      wv =
          TRANSPOSED_WEIGHTS
              .get()
              .transpose(data(weights), weights.offset(), op, groups, weightStride);
      wOff = 0;
      wGroupStride = op.m() * op.k();
      lda = op.k();
    } else {
      wv = data(weights);
      wOff = weights.offset();
      wGroupStride = weightStride;
      lda = op.lda();
    }
    GemmKernel kernel = gemm.kernel();
    long cost = (long) groups * op.m() * op.n() * op.k() + w.colsPerImage();
    // Each share writes its images' column gradients over one image's slice of cols, its own
    // (the forward columns are spent: the weight gradient read them first), so they stay in L2
    // for col2im instead of going out to memory: vgg-small's 32-channel 28 × 28 layer writes
    // 58 MB of them at batch 64, and this input gradient ran at half the rate it does from cache.
    parallel.forRange(
        n,
        cost,
        (from, to, part) -> {
          int colBase = cols.offset() + part * w.colsPerImage();
          for (int i = from; i < to; i++) {
            backwardInputImage(
                i,
                kernel,
                p,
                wv,
                wOff,
                wGroupStride,
                lda,
                dy,
                dOut.offset(),
                cv,
                colBase,
                dx,
                dIn.offset());
          }
        });
  }

  /** One image of {@link #convolveBackwardInput}'s per-image path, its columns at colBase. */
  private static void backwardInputImage(
      int i,
      GemmKernel kernel,
      ConvProduct p,
      float[] wv,
      int wOff,
      int wGroupStride,
      int lda,
      float[] dy,
      int dyOff,
      float[] cv,
      int colBase,
      float[] dx,
      int dxOff) {
    Window2d w = p.window();
    GemmOp op = p.op();
    for (int j = 0; j < p.groups(); j++) {
      kernel.gemm(
          false,
          op.transB(),
          0,
          op.m(),
          op.n(),
          op.k(),
          op.alpha(),
          wv,
          wOff + j * wGroupStride,
          lda,
          dy,
          dyOff + i * op.strideB() + j * p.outStride(),
          op.ldb(),
          op.beta(),
          cv,
          colBase + j * p.colStride(),
          op.ldc());
    }
    CpuWindowOps.col2im(cv, colBase, w, dx, dxOff + i * w.inPerImage());
  }

  /** A thread's copy of a convolution's transposed weights, grown as needed. */
  private static final class TransposedWeights {
    private float[] values = new float[0];

    /** Group j's {@code A = op(weights)}, row-major {@code m × k}, at {@code j·m·k}. */
    float[] transpose(float[] a, int aOff, GemmOp op, int groups, int groupStride) {
      int m = op.m();
      int k = op.k();
      if (values.length < groups * m * k) {
        values = new float[groups * m * k];
      }
      for (int j = 0; j < groups; j++) {
        int src = aOff + j * groupStride;
        int dst = j * m * k;
        for (int p = 0; p < k; p++) {
          for (int i = 0; i < m; i++) {
            values[dst + i * k + p] = a[src + p * op.lda() + i];
          }
        }
      }
      return values;
    }
  }

  private static final ThreadLocal<TransposedWeights> TRANSPOSED_WEIGHTS =
      ThreadLocal.withInitial(TransposedWeights::new);

  @Override
  public void im2col(Tensor images, Window2d w, Tensor cols) {
    int n = images.shape().n();
    requireImages("im2col", images, w.inPerImage());
    checkSpan("im2col columns", cols, 0, n * w.colsPerImage());
    float[] x = data(images);
    float[] cv = data(cols);
    // By rows of the column matrix rather than channels: a 3-channel first layer splits evenly.
    forImageChannels(
        n,
        w.patchSize(),
        w.colsPerImage(),
        (i, r0, r1) ->
            CpuWindowOps.im2colRows(
                x,
                images.offset() + i * w.inPerImage(),
                w,
                cv,
                cols.offset() + i * w.colsPerImage(),
                r0,
                r1));
  }

  @Override
  public void col2im(Tensor cols, Window2d w, Tensor images) {
    int n = images.shape().n();
    requireImages("col2im", images, w.inPerImage());
    checkSpan("col2im columns", cols, 0, n * w.colsPerImage());
    float[] x = data(images);
    float[] cv = data(cols);
    forImageChannels(
        n,
        w.channels(),
        w.colsPerImage(),
        (i, c0, c1) ->
            CpuWindowOps.col2im(
                cv,
                cols.offset() + i * w.colsPerImage(),
                w,
                x,
                images.offset() + i * w.inPerImage(),
                c0,
                c1));
  }

  @Override
  public void maxPoolForward(Tensor in, Window2d w, Tensor out, IntTensor switches) {
    maxPool(in, w, out, switches, true);
  }

  @Override
  public void maxPoolValues(Tensor in, Window2d w, Tensor out, IntTensor switches) {
    maxPool(in, w, out, switches, false);
  }

  /** Max pooling, recording the switches only if {@code record} (training). */
  private void maxPool(Tensor in, Window2d w, Tensor out, IntTensor switches, boolean record) {
    int n = in.shape().n();
    requireImages("max pool input", in, w.inPerImage());
    requireImages("max pool output", out, w.outPerImage());
    int[] sw = ints(switches);
    if (sw.length < n * w.outPerImage()) {
      throw new IllegalArgumentException(
          "max pool: switches hold " + sw.length + " ints, need " + n * w.outPerImage());
    }
    float[] x = data(in);
    float[] y = data(out);
    forImageChannels(
        n,
        w.channels(),
        (long) w.outPerImage() * w.kernelH() * w.kernelW(),
        (i, c0, c1) -> {
          int xOff = in.offset() + i * w.inPerImage();
          int yOff = out.offset() + i * w.outPerImage();
          int swOff = i * w.outPerImage();
          if (record) {
            CpuWindowOps.maxPoolForward(x, xOff, w, y, yOff, sw, swOff, c0, c1);
          } else {
            CpuWindowOps.maxPoolValues(x, xOff, w, y, yOff, sw, swOff, c0, c1);
          }
        });
  }

  /** Work on channels {@code [c0, c1)} of image {@code i}. */
  @FunctionalInterface
  private interface ChannelsTask {
    void run(int image, int c0, int c1);
  }

  /**
   * Runs {@code task} over every image, split between threads by image; with fewer images than
   * threads (batch 1 inference) by blocks of channels as well, so that no thread idles. Every value
   * is computed the same way whatever the split.
   */
  private void forImageChannels(int n, int channels, long costPerImage, ChannelsTask task) {
    if (n >= parallel.threads() || channels == 1) {
      parallel.forEach(n, costPerImage, i -> task.run(i, 0, channels));
      return;
    }
    parallel.forRange(
        n * channels,
        Math.max(1, costPerImage / channels),
        (from, to, part) -> {
          for (int item = from; item < to; ) {
            int image = item / channels;
            int c0 = item % channels;
            int c1 = Math.min(channels, c0 + (to - item));
            task.run(image, c0, c1);
            item += c1 - c0;
          }
        });
  }

  @Override
  public void maxPoolBackward(Tensor dOut, IntTensor switches, Window2d w, Tensor dIn) {
    int n = dIn.shape().n();
    requireImages("max pool gradient", dOut, w.outPerImage());
    int[] sw = ints(switches);
    float[] dy = data(dOut);
    float[] dx = data(dIn);
    parallel.forEach(
        n,
        w.inPerImage(),
        i ->
            CpuWindowOps.maxPoolBackward(
                dy,
                dOut.offset() + i * w.outPerImage(),
                sw,
                i * w.outPerImage(),
                w,
                dx,
                dIn.offset() + i * w.inPerImage()));
  }
}
