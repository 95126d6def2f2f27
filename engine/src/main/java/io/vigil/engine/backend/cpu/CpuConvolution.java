package io.vigil.engine.backend.cpu;

import io.vigil.engine.backend.ConvProduct;
import io.vigil.engine.backend.Epilogue;
import io.vigil.engine.backend.GemmOp;
import io.vigil.engine.backend.Window2d;
import io.vigil.engine.tensor.Tensor;

/**
 * The convolution products of {@link CpuBackend}: each picks the fastest path whose preconditions
 * hold (Winograd, direct, or im2col and GEMM per image while its columns are in cache) and falls
 * back to the backend's batched im2col and GEMM otherwise.
 */
final class CpuConvolution {

  private final CpuBackend backend;
  private final Parallel parallel;
  private final GemmKernel kernel;
  private final CpuWinograd winograd;
  private final CpuWindowPasses windows;
  private final CpuEpilogues epilogues;

  CpuConvolution(
      CpuBackend backend,
      Parallel parallel,
      GemmKernel kernel,
      CpuWindowPasses windows,
      CpuEpilogues epilogues) {
    this.backend = backend;
    this.parallel = parallel;
    this.kernel = kernel;
    this.winograd = new CpuWinograd(kernel, parallel);
    this.windows = windows;
    this.epilogues = epilogues;
  }

  /**
   * 3×3 stride-1 layers where {@link CpuWinograd} is faster go through Winograd's F(2×2, 3×3),
   * which still unfolds the columns for the weight gradient. Otherwise, with at least two images
   * per thread, each thread unfolds one image and multiplies it at once (its columns, e.g. 78 KB
   * for LeNet-5's first layer, are still in L2), instead of unfolding the whole batch (2.5 MB at
   * batch 32) before the products read it back from memory. Each product is the same kernel call
   * the batched GEMM would make, so the results are bit for bit the same.
   */
  void convolve(Tensor images, ConvProduct p, Tensor cols, Tensor weights, Tensor out) {
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
      windows.im2col(images, w, cols);
      for (int j = 0; j < groups; j++) {
        backend.gemm(op, weights, j * weightStride, cols, j * colStride, out, j * outStride, null);
      }
      return;
    }
    float[] x = backend.data(images);
    float[] cv = backend.data(cols);
    float[] wv = backend.data(weights);
    float[] y = backend.data(out);
    long cost = (long) groups * op.m() * op.n() * op.k() + w.colsPerImage();
    parallel.forEach(
        n,
        cost,
        i -> {
          int colBase = cols.offset() + i * w.colsPerImage();
          CpuWindowOps.im2col(x, images.offset() + i * w.inPerImage(), w, cv, colBase);
          for (int j = 0; j < groups; j++) {
            kernel.gemm(
                0,
                op.m(),
                op.n(),
                op.k(),
                op.alpha(),
                MatrixView.a(op, wv, weights.offset() + j * weightStride),
                MatrixView.b(op, cv, colBase + j * colStride),
                op.beta(),
                MatrixView.c(op, y, out.offset() + i * op.strideC() + j * outStride));
          }
        });
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
              backend.data(weights),
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
        backend.data(images),
        images.offset(),
        p.window(),
        op,
        p.groups(),
        u,
        backend.data(out),
        out.offset(),
        p.outStride(),
        images.shape().n(),
        cols == null ? null : backend.data(cols),
        cols == null ? 0 : cols.offset());
  }

  /**
   * Straight from the images where {@link DirectConvolution#suits} (LeNet-5's layers: no column
   * matrix to write and read back), each thread taking whole images; by Winograd without unfolding
   * the columns where {@link CpuWinograd} is faster; {@link #convolve} otherwise.
   */
  void convolveInference(
      Tensor images, ConvProduct p, Tensor cols, Tensor weights, Tensor out, Epilogue epilogue) {
    DirectConvolution direct = DirectConvolution.chosen();
    int n = images.shape().n();
    if (direct == null || !DirectConvolution.suits(p, n)) {
      if (winograd.suits(p.window(), p.op(), p.groups(), n, true)) {
        winograd(images, p, null, weights, out, true);
      } else if (inBlocks(p, n, parallel.threads())) {
        convolveInBlocks(images, p, weights, out);
      } else {
        convolve(images, p, cols, weights, out);
      }
      epilogues.apply(out, epilogue);
      return;
    }
    Window2d w = p.window();
    GemmOp op = p.op();
    int groups = p.groups();
    int filters = groups * op.m();
    float[] x = backend.data(images);
    float[] wv = backend.data(weights);
    float[] y = backend.data(out);
    long cost = (long) filters * w.positions() * op.k();
    CpuEpilogues.EpilogueValues ep = epilogues.values(epilogue, filters);
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
   * Floats of one block of unfolded columns ({@link #convolveInBlocks}): 256 KB, a quarter of a
   * core's L2 on the machines measured, so that the block, the GEMM's packed panels of it and of
   * the weights stay there between the unfold and the product.
   */
  static final int BLOCK_FLOATS = Integer.getInteger("vigil.conv.block", 192 * 1024);

  /**
   * Whether inference unfolds this convolution a block of output rows at a time: an image's columns
   * larger than two blocks (ResNet-18's first layer: 147 × 12,544 floats, 7.4 MB), laid out as
   * {@link #convolve} lays them out (each image's columns one matrix, group j's rows after group
   * j-1's), with at least three blocks per thread: with fewer, the threads' shares are too uneven
   * (ResNet-18's first stride-2 layer, 576 × 784 columns, made 3 blocks and ran 18 % slower on 2
   * threads than unfolded whole).
   */
  static boolean inBlocks(ConvProduct p, int n, int threads) {
    Window2d w = p.window();
    GemmOp op = p.op();
    return BLOCK_FLOATS > 0
        && w.colsPerImage() > 2 * BLOCK_FLOATS
        && op.batch() == n
        && op.strideA() == 0
        && op.strideB() == w.colsPerImage()
        && !op.transB()
        && op.n() == w.positions()
        && op.ldb() == w.positions()
        && op.ldc() == w.positions()
        && p.colStride() == op.k() * w.positions()
        && op.beta() == 0f
        && (long) n * blocksPerImage(w) >= 3L * threads;
  }

  /** Output rows per block: as many as {@link #BLOCK_FLOATS} of columns hold, at least one. */
  private static int rowsPerBlock(Window2d w) {
    return Math.max(1, BLOCK_FLOATS / (w.patchSize() * w.outW()));
  }

  private static int blocksPerImage(Window2d w) {
    return (w.outH() + rowsPerBlock(w) - 1) / rowsPerBlock(w);
  }

  /**
   * Inference, which keeps no columns for a weight gradient: each image's columns are unfolded a
   * block of output rows at a time into a buffer of the thread's own and multiplied at once, while
   * the block is in L2, instead of writing all of them out to memory and reading them back (about
   * 40 % of ResNet-18's first layer at batch 1 went to that). The blocks of every image are split
   * between the threads, so a single image uses them all along its positions (its 64 filters are
   * too few to split). Each block's product is the whole product's columns for those positions: the
   * sums are taken in the same order, the results are the same.
   */
  private void convolveInBlocks(Tensor images, ConvProduct p, Tensor weights, Tensor out) {
    Window2d w = p.window();
    GemmOp op = p.op();
    int outW = w.outW();
    int rowsPerBlock = rowsPerBlock(w);
    int blocksPerImage = blocksPerImage(w);
    int n = images.shape().n();
    float[] x = backend.data(images);
    float[] wv = backend.data(weights);
    float[] y = backend.data(out);
    // A strided window reads its images split into phases, a run of contiguous values per tap
    // and output row (StridePhases); the split is made once per image, before the blocks.
    boolean strided = w.strideH() > 1 || w.strideW() > 1;
    float[] phases = strided ? PHASES.get().of(n * StridePhases.floats(w)) : null;
    if (strided) {
      parallel.forEach(
          n,
          w.inPerImage(),
          i ->
              StridePhases.split(
                  x, images.offset() + i * w.inPerImage(), w, phases, i * StridePhases.floats(w)));
    }
    long cost = (long) p.groups() * op.m() * op.k() * rowsPerBlock * outW;
    parallel.forEach(
        n * blocksPerImage,
        cost,
        item -> {
          int i = item / blocksPerImage;
          int oy0 = (item - i * blocksPerImage) * rowsPerBlock;
          int oy1 = Math.min(w.outH(), oy0 + rowsPerBlock);
          int columns = (oy1 - oy0) * outW;
          float[] block = COLUMN_BLOCKS.get().of(w.patchSize() * columns);
          if (strided) {
            StridePhases.im2colBlock(
                phases, i * StridePhases.floats(w), w, block, 0, 0, w.patchSize(), oy0, oy1);
          } else {
            CpuWindowOps.im2colBlock(
                x, images.offset() + i * w.inPerImage(), w, block, 0, 0, w.patchSize(), oy0, oy1);
          }
          int yBase = out.offset() + i * op.strideC() + oy0 * outW;
          for (int j = 0; j < p.groups(); j++) {
            kernel.gemm(
                0,
                op.m(),
                columns,
                op.k(),
                op.alpha(),
                MatrixView.a(op, wv, weights.offset() + j * p.weightStride()),
                MatrixView.of(block, j * op.k() * columns, columns),
                0f,
                MatrixView.of(y, yBase + j * p.outStride(), op.ldc()));
          }
        });
  }

  /** A thread's buffer for one block of columns, grown as needed. */
  private static final class ColumnBlock {
    private float[] values = new float[0];

    float[] of(int floats) {
      if (values.length < floats) {
        values = new float[floats];
      }
      return values;
    }
  }

  private static final ThreadLocal<ColumnBlock> COLUMN_BLOCKS =
      ThreadLocal.withInitial(ColumnBlock::new);

  /** The calling thread's buffer for a batch's phases, read by every worker of the call. */
  private static final ThreadLocal<ColumnBlock> PHASES = ThreadLocal.withInitial(ColumnBlock::new);

  /**
   * As {@link #convolve}, the other way: with at least two images per thread, each thread computes
   * one image's column gradient and folds it back at once, while it is still in cache. Each product
   * is the same kernel call the batched GEMM would make: the results are bit for bit the same.
   */
  void convolveBackwardInput(Tensor dOut, ConvProduct p, Tensor cols, Tensor weights, Tensor dIn) {
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
        backend.gemm(op, weights, j * weightStride, dOut, j * outStride, cols, j * colStride, null);
      }
      windows.col2im(cols, w, dIn);
      return;
    }
    float[] dy = backend.data(dOut);
    float[] cv = backend.data(cols);
    float[] dx = backend.data(dIn);
    // Every image multiplies by the same Wᵀ: transposed once here, the kernel reads it in place
    // instead of repacking it per image (the same values in the same order: the same sums).
    MatrixView wt;
    int wGroupStride;
    if (op.transA()) {
      float[] transposed =
          TRANSPOSED_WEIGHTS
              .get()
              .transpose(backend.data(weights), weights.offset(), op, groups, weightStride);
      wt = MatrixView.of(transposed, 0, op.k());
      wGroupStride = op.m() * op.k();
    } else {
      wt = MatrixView.a(op, backend.data(weights), weights.offset());
      wGroupStride = weightStride;
    }
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
                wt,
                wGroupStride,
                MatrixView.b(op, dy, dOut.offset() + i * op.strideB()),
                MatrixView.c(op, cv, colBase),
                dx,
                dIn.offset());
          }
        });
  }

  /**
   * One image of {@link #convolveBackwardInput}'s per-image path: its column gradients {@code cols
   * = Wᵀ·dY} (group j's weights {@code wGroupStride} floats after the last), folded into image
   * {@code i} of dx.
   */
  private static void backwardInputImage(
      int i,
      GemmKernel kernel,
      ConvProduct p,
      MatrixView wt,
      int wGroupStride,
      MatrixView dy,
      MatrixView cols,
      float[] dx,
      int dxOff) {
    Window2d w = p.window();
    GemmOp op = p.op();
    for (int j = 0; j < p.groups(); j++) {
      kernel.gemm(
          0,
          op.m(),
          op.n(),
          op.k(),
          op.alpha(),
          wt.shift(j * wGroupStride),
          dy.shift(j * p.outStride()),
          op.beta(),
          cols.shift(j * p.colStride()));
    }
    CpuWindowOps.col2im(cols.data(), cols.offset(), w, dx, dxOff + i * w.inPerImage());
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
}
