package io.vigil.engine.backend.cpu;

import io.vigil.engine.backend.Backend;
import io.vigil.engine.backend.GemmOp;
import io.vigil.engine.backend.Window2d;
import io.vigil.engine.backend.WinogradUse;

/**
 * Convolution forward by Winograd's F(2×2, 3×3) ({@link WinogradF23}) for the CPU backend: for 3×3,
 * stride-1, undilated windows with any zero padding, per group. Training transforms the filters on
 * every call (every step changes them); inference transforms them once and the backend keeps them
 * with the weights until those change ({@link #transform}, {@link
 * io.vigil.engine.tensor.Tensor#derived}). Input tiles are transformed in blocks that stay in
 * cache, the 16 products per block go to the backend's {@link GemmKernel}, and the output transform
 * writes the convolution's output directly.
 *
 * <p>Work is split as the rest of the backend splits it: the filter transforms over filters, then
 * the tiles of the batch into one range per thread (across images where there are fewer images than
 * threads), each thread running whole blocks of its own; with few tiles, the filters into one range
 * per thread instead. A call from inside a share runs serially on that share's thread.
 *
 * <p>The system property {@value #PROPERTY} chooses: {@code auto} (the default; also {@code true})
 * uses it where {@link #suits} measured it faster, {@code false} never, {@code always} for every
 * window it can compute (for tests and A/B runs). Per-thread scratch grows to the largest layer
 * seen, so steady state allocates nothing but the task objects of a hand-off.
 */
final class CpuWinograd {

  static final String PROPERTY = "vigil.winograd";

  private static final int POINTS = WinogradF23.POINTS;

  /**
   * Floats of one block's transformed input and products together ({@code 16·(C + K)·tiles}): about
   * 3/4 of a 1 MiB L2, so that the products read their input and the output transform its products
   * from cache.
   */
  private static final int BLOCK_FLOATS = 192 * 1024;

  /**
   * Tiles per block whatever the channels: each block reads all of U (4 MiB for 256 × 256 filters),
   * and narrower products use the 32-column kernel less well; 64 measured 10 % faster than 32 on
   * ResNet-18's last stage.
   */
  private static final int MIN_BLOCK = 64;

  private static final int MAX_BLOCK = 512;

  /** Blocks are a multiple of this many tiles (a vector of the kernel's panel). */
  private static final int GRAIN = 16;

  /**
   * Rough cost of the transforms in {@link Parallel#parts} units (about a nanosecond each): per
   * filter and channel, per tile and channel, per tile and filter.
   */
  private static final int TRANSFORM_COST = 10;

  private final GemmKernel kernel;
  private final WinogradF23 transforms;
  private final Parallel parallel;
  private final WinogradUse use;

  CpuWinograd(GemmKernel kernel, Parallel parallel, WinogradUse use) {
    this.kernel = kernel;
    this.transforms = transformsFor(kernel);
    this.parallel = parallel;
    this.use = use;
  }

  /** Uses {@value #PROPERTY} as it is set now. */
  CpuWinograd(GemmKernel kernel, Parallel parallel) {
    this(kernel, parallel, WinogradUse.fromProperty(PROPERTY));
  }

  /**
   * The Vector API transforms where the kernel is the Vector API one (so the module is present),
   * else the plain-Java ones. Loaded by name so that this class links without the module.
   */
  static WinogradF23 transformsFor(GemmKernel kernel) {
    if (!kernel.name().equals("vector")) {
      return WinogradF23.PLAIN;
    }
    return VectorForms.load(WinogradF23.class, "VectorWinogradF23", "Winograd transforms");
  }

  /**
   * Whether {@link #convolve} should compute this convolution: a window and a forward product it
   * can compute ({@code W_j · cols_ij} into a fresh output, row {@code k} of C the output plane of
   * filter {@code k}), and under {@code auto} a layer where it measured faster than im2col + GEMM.
   * {@code keptFilters}: the filters come transformed from an earlier call ({@link #transform},
   * kept at inference), so the call itself does not pay for them.
   */
  boolean suits(Window2d w, GemmOp op, int groups, int images, boolean keptFilters) {
    if (use == WinogradUse.NEVER || !WinogradUse.computes(w, op, groups, images)) {
      return false;
    }
    if (use == WinogradUse.ALWAYS) {
      return true;
    }
    int tiles = images * WinogradTiles.of(w).perImage();
    // Shares of the call that run side by side: 1 inside a share, else one per thread.
    int shares = parallel.parts(parallel.threads(), Integer.MAX_VALUE);
    return transforms != WinogradF23.PLAIN
        && faster(w.channels() / groups, op.m(), tiles / shares, tiles, keptFilters);
  }

  /**
   * The rule {@code auto} applies, measured on a 2-core Zen 4 with the Vector API kernel
   * (ResNet-18, AlexNet and vgg-small layers, batch 1 to 16, on one thread as inside a share and on
   * two): with {@code h} the smaller of a group's channels and filters and {@code tiles} the 2×2
   * tiles each thread gets, Winograd when {@code h ≥ 64} and {@code tiles ≥ 64} ({@code ≥ 256} for
   * {@code h < 128}). Below that the transforms (about 5 ns per tile and channel, 3 per tile and
   * filter), the filter transform (about 10 ns per filter and channel, every call) and products too
   * narrow for the GEMM kernel cost more than the 20 of 36 multiply-adds per tile and channel they
   * save: ResNet-18's last stage (512 × 512, 16 tiles an image) ran at 0.4–0.7× of im2col + GEMM
   * with 16 to 48 tiles a thread and 1.0–1.3× with 32–64, its 14 × 14 stage at 1.0× with 49,
   * AlexNet's 13 × 13 layers at batch 1 (49 tiles) at 0.8–1.1×, vgg-small's 32-filter layers at
   * 0.7–1.1×. The plain-Java transforms are 2–3× slower: without the Vector API {@code auto} never
   * uses it (ResNet-18's 14 × 14 layers ran at 0.6×).
   *
   * <p>With the filters kept from an earlier call (inference), Winograd won on every 3×3 layer of
   * at least 32 channels and filters measured, at batch 1 to 16 and on 1 or 2 threads: 1.2–2.1× at
   * batch 1 (ResNet-18's 7 × 7 stage the least, its 56 × 56 the most; AlexNet's 13 × 13 layers
   * 1.3–1.7×), 1.5–2.5× at batch 8 and 16. With few tiles each thread takes a range of filters
   * instead of tiles ({@link #convolve}).
   */
  private static boolean faster(
      int channels, int filters, int tilesPerShare, int tiles, boolean keptFilters) {
    int h = Math.min(channels, filters);
    if (keptFilters) {
      return h >= KEPT_MIN_WIDTH && tiles >= KEPT_MIN_TILES;
    }
    return h >= 64 && tilesPerShare >= tilesToSplit(h);
  }

  /**
   * Tiles a thread needs before the tiles, rather than the filters, are split between threads: with
   * fewer, a product a few dozen tiles wide runs the GEMM kernel poorly.
   */
  private static int tilesToSplit(int h) {
    return h >= 128 ? 64 : 256;
  }

  /**
   * Floats of transformed filters inference keeps beside a convolution's weights ({@code groups}
   * groups, {@code filters} in all) once it has run it by Winograd under this process's setting: 16
   * per filter and channel of a group, where {@code auto} takes the path with kept filters (a call
   * of at least 16 tiles, which batch 1 gives from a 7 × 7 output up); else 0.
   */
  static long keptFloats(Window2d w, int groups, int filters) {
    if (!WinogradUse.computes(w) || w.channels() % groups != 0 || filters % groups != 0) {
      return 0;
    }
    int channels = w.channels() / groups;
    WinogradUse use = WinogradUse.fromProperty(PROPERTY);
    boolean taken =
        use == WinogradUse.ALWAYS
            || (use == WinogradUse.AUTO
                && transformsFor(CpuGemm.kernel()) != WinogradF23.PLAIN
                && Math.min(channels, filters / groups) >= KEPT_MIN_WIDTH);
    return taken ? (long) POINTS * filters * channels : 0;
  }

  /** With kept filters: at least this many channels and filters per group (the least measured). */
  private static final int KEPT_MIN_WIDTH = 32;

  /** With kept filters: at least this many tiles in the call (a 7 × 7 output at batch 1). */
  private static final int KEPT_MIN_TILES = 16;

  /**
   * A convolution's filters transformed for {@link #convolve}: {@code U[ξ][k][c]} of group {@code
   * j} at {@code j·16·plane + ξ·plane}, {@code groups × filters} of {@code channels} each.
   */
  record Filters(float[] u, int plane, int groups, int filters, int channels) {

    boolean fits(int groups, int filters, int channels) {
      return this.groups == groups && this.filters == filters && this.channels == channels;
    }
  }

  /**
   * The transformed filters of a convolution with {@code groups} groups of {@code op.m()} filters,
   * group {@code j}'s weights at {@code wOff + j·weightStride} (row {@code k} of {@code op.lda()}
   * floats): into this thread's scratch ({@code keep} false: valid until its next call), or into a
   * new array to keep ({@code keep} true: inference keeps them with the weights).
   */
  Filters transform(
      float[] weights,
      int wOff,
      int weightStride,
      GemmOp op,
      int groups,
      int channels,
      boolean keep) {
    int filters = op.m();
    int uPlane = planeStride(filters * channels);
    int size = groups * POINTS * uPlane;
    float[] u = keep ? new float[size] : WinogradScratch.get().u(size);
    parallel.forRange(
        groups * filters,
        (long) channels * TRANSFORM_COST,
        (from, to, part) -> {
          for (int r = from; r < to; ) {
            int j = r / filters;
            int k0 = r - j * filters;
            int k1 = Math.min(filters, k0 + to - r);
            transforms.transformFilters(
                weights,
                wOff + j * weightStride,
                op.lda(),
                channels,
                k0,
                k1,
                u,
                j * POINTS * uPlane,
                uPlane);
            r += k1 - k0;
          }
        });
    return new Filters(u, uPlane, groups, filters, channels);
  }

  /**
   * The forward product {@code out_ij = W_j · im2col(x_ij)} for every image {@code i} and group
   * {@code j}, as {@link Backend#convolve} defines it, with the filters {@code u} transformed by
   * {@link #transform}: {@code x} holds {@code images} of {@code w.inPerImage()} floats from {@code
   * xOff}, group {@code j}'s output starts at {@code yOff + i·op.strideC() + j·outStride}; image
   * {@code i}'s im2col columns go to {@code cols} from {@code colsOff + i·w.colsPerImage()}, though
   * the product does not read them (none if {@code cols} is null: inference). Call only where
   * {@link #suits} said yes.
   *
   * <p>With enough tiles each share takes a range of them, across images if need be, and multiplies
   * it by every filter. With fewer (batch 1 at 14 × 14 or 7 × 7) each share takes a range of the
   * filters instead and transforms every tile of their group itself: the input transform is
   * repeated, but each product keeps all the tiles as its width, where a range of a few dozen tiles
   * would make products too narrow for the kernel.
   */
  void convolve(
      float[] x,
      int xOff,
      Window2d w,
      GemmOp op,
      int groups,
      Filters u,
      float[] y,
      int yOff,
      int outStride,
      int images,
      float[] cols,
      int colsOff) {
    WinogradTiles g = WinogradTiles.of(w);
    int channels = w.channels() / groups;
    int filters = op.m();
    Job job =
        new Job(x, xOff, w, g, op, channels, u.u(), u.plane(), y, yOff, outStride, cols, colsOff);
    int tiles = images * g.perImage();
    long cost =
        groups
            * (kernel.parallelCost((long) POINTS * filters * channels * tiles)
                + (long) (channels + filters) * tiles * TRANSFORM_COST);
    // One share per thread (one in all inside a share).
    int shares = parallel.parts(parallel.threads(), cost);
    int h = Math.min(channels, filters);
    boolean byFilters = shares > 1 && tiles / shares < tilesToSplit(h);
    parallel.forRange(
        shares,
        cost / shares,
        (from, to, part) -> {
          for (int share = from; share < to; share++) {
            // The im2col columns of a range of images, or of channels when images are fewer.
            if (images >= shares) {
              for (int i = images * share / shares; i < images * (share + 1) / shares; i++) {
                job.unfold(i, 0, w.channels());
              }
            } else {
              int c0 = w.channels() * share / shares;
              int c1 = w.channels() * (share + 1) / shares;
              for (int i = 0; i < images; i++) {
                job.unfold(i, c0, c1);
              }
            }
            if (byFilters) {
              // Rows [r0, r1) of all groups' filters, in whole register tiles where they can be.
              int rows = groups * filters;
              int r0 = rowSplit(rows, share, shares);
              int r1 = rowSplit(rows, share + 1, shares);
              for (int r = r0; r < r1; ) {
                int j = r / filters;
                int k0 = r - j * filters;
                int k1 = Math.min(filters, k0 + r1 - r);
                blocks(job, j, 0, tiles, k0, k1);
                r += k1 - k0;
              }
            } else {
              int t0 = (int) ((long) tiles * share / shares);
              int t1 = (int) ((long) tiles * (share + 1) / shares);
              for (int j = 0; j < groups; j++) {
                blocks(job, j, t0, t1, 0, filters);
              }
            }
          }
        });
  }

  /** Where share {@code share} of {@code shares} starts in {@code rows}: a multiple of the tile. */
  private static int rowSplit(int rows, int share, int shares) {
    if (share >= shares) {
      return rows;
    }
    int tileRows = VectorGemm.MR;
    return Math.min(
        rows, (int) ((long) rows * share / shares + tileRows / 2) / tileRows * tileRows);
  }

  /** What one call computes, for the helpers that split it. */
  private record Job(
      float[] x,
      int xOff,
      Window2d w,
      WinogradTiles g,
      GemmOp op,
      int channels,
      float[] u,
      int uPlane,
      float[] y,
      int yOff,
      int outStride,
      float[] cols,
      int colsOff) {

    /**
     * The im2col columns of channels {@code [c0, c1)} of image {@code i} (rows {@code c·9 …} of its
     * column matrix), which {@link Backend#convolve} keeps for the weight gradient; unfolded where
     * the thread reads the same input for its transforms. None for inference ({@code cols} null).
     */
    void unfold(int i, int c0, int c1) {
      if (cols == null || c0 >= c1) {
        return;
      }
      CpuWindowOps.im2col(
          x, xOff + i * w.inPerImage(), w, cols, colsOff + i * w.colsPerImage(), c0, c1);
    }

    /** Channel 0 of group {@code j} in image 0. */
    int inputOffset(int j) {
      return xOff + j * channels * w.height() * w.width();
    }

    int uOffset(int j) {
      return j * POINTS * uPlane;
    }
  }

  /**
   * Tiles {@code [t0, t1)} of group {@code j} times its filters {@code [k0, k1)}, on this thread, a
   * block of tiles at a time.
   */
  private void blocks(Job job, int j, int t0, int t1, int k0, int k1) {
    int channels = job.channels();
    int filters = k1 - k0;
    int block =
        Math.max(MIN_BLOCK, Math.min(MAX_BLOCK, BLOCK_FLOATS / (POINTS * (channels + filters))));
    // Blocks of about equal size, in whole vector-kernel panels: a short last block would make
    // narrow products.
    int count = Math.max(1, (t1 - t0 + block - 1) / block);
    block = Math.min(t1 - t0, ((t1 - t0 + count - 1) / count + GRAIN - 1) / GRAIN * GRAIN);
    int ld = leadingDimension(block + transforms.rowPadding());
    WinogradScratch s = WinogradScratch.get();
    s.fit(transforms, job.g(), block);
    int vPlane = planeStride(channels * ld);
    int mPlane = planeStride(filters * ld);
    float[] v = s.v(POINTS * vPlane);
    float[] m = s.m(POINTS * mPlane);
    int uOff = job.uOffset(j) + k0 * channels;
    int positions = job.op().n();
    for (int b0 = t0; b0 < t1; b0 += block) {
      int b1 = Math.min(t1, b0 + block);
      transforms.transformInput(
          job.x(),
          job.inputOffset(j),
          job.w().inPerImage(),
          channels,
          job.g(),
          b0,
          b1,
          v,
          0,
          ld,
          vPlane,
          s.work,
          s.zeros);
      for (int xi = 0; xi < POINTS; xi++) {
        kernel.gemm(
            0,
            filters,
            b1 - b0,
            channels,
            1f,
            MatrixView.of(job.u(), uOff + xi * job.uPlane(), channels),
            MatrixView.of(v, xi * vPlane, ld),
            0f,
            MatrixView.of(m, xi * mPlane, ld));
      }
      transforms.transformOutput(
          m,
          0,
          ld,
          mPlane,
          filters,
          job.g(),
          b0,
          b1,
          job.y(),
          job.yOff() + j * job.outStride() + k0 * positions,
          job.op().strideC(),
          positions,
          s.work);
    }
  }

  /**
   * Floats between the 16 planes of {@code floats} each: past a multiple of 4 KiB by 64 bytes. The
   * transforms read or write all 16 planes at once, and planes a multiple of 4 KiB apart fall into
   * one set of the 8-way L1 (a 512 × 512 filter transform ran 5× slower so).
   */
  private static int planeStride(int floats) {
    return (floats + 1023) / 1024 * 1024 + 16;
  }

  /**
   * A row length of at least {@code columns} for the transformed input and the products: a multiple
   * of 16 floats, never of 256 (rows 1 KiB apart fall into the same few L1 sets, and the vector
   * kernel then packs B rather than reading it in place).
   */
  private static int leadingDimension(int columns) {
    int ld = (columns + 15) / 16 * 16;
    return ld % 256 == 0 ? ld + 16 : ld;
  }
}
