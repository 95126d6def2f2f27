package io.vigil.opencl;

import io.vigil.engine.backend.ConvProduct;
import io.vigil.engine.backend.Epilogue;
import io.vigil.engine.backend.GemmOp;
import io.vigil.engine.backend.Normalisation;
import io.vigil.engine.backend.Window2d;
import io.vigil.engine.backend.WinogradUse;
import io.vigil.engine.tensor.Shape;
import io.vigil.engine.tensor.Tensor;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The inference convolution by Winograd's F(2×2, 3×3) ({@code kernels/winograd.cl}) for 3×3,
 * stride-1, undilated windows with any zero padding, per group: the input transform of a range of
 * the batch's 2×2 output tiles, the 16 products {@code M[ξ] = U[ξ]·V[ξ]} as one batched GEMM on
 * {@link ClGemm}, and the output transform with the epilogue (bias, batch norm, activation)
 * applied. Each product does 16 multiply-adds per channel for four outputs where im2col and GEMM do
 * 36.
 *
 * <p>The filters {@code U} are transformed once per weight version and kept on the device as a
 * tensor {@link Tensor#derived} from the weights, so they belong to the weights and go with them:
 * every op that changes the weights (upload, copy, fill, the optimizer steps) calls {@link
 * Tensor#changed}, which drops them, and the next inference transforms them again.
 *
 * <p>The tiles are taken in ranges whose transformed input and products fit {@link #RANGE_FLOATS},
 * in two scratch buffers of the backend's own, kept and grown like {@link ClGemm}'s panels: the
 * whole batch at once would need more memory than im2col's columns for a layer that widens (VGG's
 * 64 → 128 at 112 × 112).
 *
 * <p>The system property {@value #PROPERTY} chooses: {@code auto} (the default) where {@link
 * #suits} measured it faster, {@code false} never, {@code always} for every window it can compute
 * (tests and A/B runs). Callers hold the backend's lock.
 */
final class ClWinograd {

  static final String PROPERTY = "vigil.opencl.winograd";

  private static final int POINTS = 16;

  private static final String FILE = "winograd";

  /** The output transform's variant that applies a batch norm too. */
  private static final String NORM = " -DNORM=1";

  /**
   * Floats of one range's transformed input and products together (8 MiB). Ranges of a quarter of
   * that, nearer the CPU's caches, measured no faster on PoCL (0.7–1.0× as fast: narrower
   * products).
   */
  static final int RANGE_FLOATS = 2 * 1024 * 1024;

  /**
   * With {@code auto}, at least this many channels and filters per group. Measured on PoCL on two
   * cores ({@code bench/opencl/run.sh winograd}, batch 1 to 32, filters kept): with 64 channels the
   * products are too short to repay the transforms, which go through memory (ResNet-18's 56 × 56
   * layers ran at 0.5–0.9× of im2col and GEMM, VGG-11's 64 → 128 at 112 × 112 at 0.8–1.1×); from
   * 128 Winograd was as fast or faster (ResNet-18's 28 × 28 layers 1.0–1.2×, its 256- and
   * 512-channel layers 1.4–2.1×, AlexNet's 13 × 13 layers 1.0–1.5×).
   */
  static final int MIN_WIDTH = 128;

  private final OpenClBackend backend;
  private final ClLauncher ops;
  private final ClMemory memory;
  private final ClGemm gemm;
  private final WinogradUse use;
  private final int rangeFloats;
  private Tensor transformedInput;
  private Tensor products;

  /** {@code rangeFloats}: the floats of a range, {@link #RANGE_FLOATS} but in tests. */
  ClWinograd(
      OpenClBackend backend,
      ClLauncher ops,
      ClMemory memory,
      ClGemm gemm,
      WinogradUse use,
      int rangeFloats) {
    this.backend = backend;
    this.ops = ops;
    this.memory = memory;
    this.gemm = gemm;
    this.use = use;
    this.rangeFloats = rangeFloats;
  }

  /** Uses {@value #PROPERTY} as it is set now. */
  ClWinograd(OpenClBackend backend, ClLauncher ops, ClMemory memory, ClGemm gemm) {
    this(backend, ops, memory, gemm, WinogradUse.fromProperty(PROPERTY), RANGE_FLOATS);
  }

  /**
   * Whether {@link #run} computes this forward product of {@code n} images: a 3×3, stride-1,
   * undilated window, a plain overwrite by weights shared across the batch with each filter's
   * output plane contiguous, and under {@code auto} at least {@link #MIN_WIDTH} channels and
   * filters per group.
   */
  boolean suits(ConvProduct p, int n) {
    Window2d w = p.window();
    GemmOp op = p.op();
    int groups = p.groups();
    if (use == WinogradUse.NEVER || !WinogradUse.computes(w, op, groups, n)) {
      return false;
    }
    return use == WinogradUse.ALWAYS || Math.min(w.channels() / groups, op.m()) >= MIN_WIDTH;
  }

  /**
   * {@code out = epilogue(conv(images, weights))} for a product {@link #suits} accepted, enqueued.
   */
  void run(Tensor images, ConvProduct p, Tensor weights, Tensor out, Epilogue e, int n) {
    Window2d w = p.window();
    GemmOp op = p.op();
    int groups = p.groups();
    int channels = w.channels() / groups;
    int filters = op.m();
    Tensor u = filters(weights, p, channels);
    int tilesH = (w.outH() + 1) / 2;
    int tilesW = (w.outW() + 1) / 2;
    int tiles = n * tilesH * tilesW;
    // Whole vectors of the GEMM's columns: the products never take its scalar tail.
    int vw = ops.cl().tuning("GEMM_VW");
    int range = Math.max(vw, rangeFloats / (POINTS * (channels + filters)) / vw * vw);
    range = Math.min(range, (tiles + vw - 1) / vw * vw);
    transformedInput = grow(transformedInput, POINTS * channels * range);
    products = grow(products, POINTS * filters * range);
    String options = options(w);
    String outputOptions = e.norm() == null ? options : options + NORM;
    for (int t0 = 0; t0 < tiles; t0 += range) {
      int count = Math.min(range, tiles - t0);
      int ld = (count + vw - 1) / vw * vw;
      for (int j = 0; j < groups; j++) {
        ops.tensor(ops.launch(FILE, "winograd_input", options), images)
            .i(w.inPerImage())
            .i(j * channels)
            .i(t0)
            .i(count)
            .tensor(transformedInput)
            .run(new long[] {ld, channels}, null);
        GemmOp product =
            new GemmOp(
                false,
                false,
                filters,
                ld,
                channels,
                1f,
                0f,
                channels,
                ld,
                ld,
                POINTS,
                filters * channels,
                channels * ld,
                filters * ld);
        gemm.run(product, u, j * POINTS * filters * channels, transformedInput, 0, products, 0);
        Launch l =
            ops.tensor(ops.launch(FILE, "winograd_output", outputOptions), products)
                .i(ld)
                .i(t0)
                .tensor(out, j * p.outStride())
                .i(op.strideC())
                .i(j * filters);
        ops.epilogue(l, e, out);
        Normalisation norm = e.norm();
        if (norm != null) {
          ops.tensor(ops.tensor(l, norm.mean()), norm.variance()).f(norm.eps());
          ops.tensor(ops.tensor(l, norm.gamma()), norm.beta());
        }
        l.run(new long[] {count, filters}, null);
      }
    }
  }

  /**
   * The transformed filters kept with {@code weights}, made now if there are none for their current
   * values: {@code groups·16 × filters × channels}, {@code U[j][ξ][k][c]}.
   */
  private Tensor filters(Tensor weights, ConvProduct p, int channels) {
    int filters = p.op().m();
    Shape shape = new Shape(p.groups() * POINTS, filters, channels, 1);
    if (weights.derived() instanceof Tensor kept
        && kept.owner() == backend
        && kept.shape().equals(shape)) {
      return kept;
    }
    // Read before the transform is enqueued: a change after it leaves the kept value stale.
    long version = weights.version();
    Tensor u = backend.allocate(shape);
    ops.tensor(ops.launch(FILE, "winograd_filters", options(p.window())), weights)
        .i(p.op().lda())
        .i(p.weightStride())
        .tensor(u)
        .run(new long[] {channels, filters, p.groups()}, null);
    weights.keepDerived(version, u);
    return u;
  }

  /**
   * {@code scratch}, or a bigger one: the backend's own memory ({@link ClMemory#allocateScratch}),
   * seen as a tensor for {@link ClGemm}; an outgrown one is freed now.
   */
  private Tensor grow(Tensor scratch, int floats) {
    if (scratch != null && scratch.size() >= floats) {
      return scratch;
    }
    if (scratch != null) {
      memory.free((ClBuffer) scratch.storage());
    }
    ClBuffer buffer = memory.allocateScratch(floats, "Winograd scratch");
    return new Tensor(backend, new Shape(1, floats, 1, 1), buffer, 0);
  }

  /** A program per input plane, padding and tiles: the kernels divide by constants. */
  private record Variant(int h, int w, int padH, int padW, int outH, int outW) {}

  /** Build options per variant, kept: formatting them per launch costs microseconds. */
  private static final Map<Variant, String> OPTIONS = new ConcurrentHashMap<>();

  private static String options(Window2d w) {
    return OPTIONS.computeIfAbsent(
        new Variant(w.height(), w.width(), w.padH(), w.padW(), w.outH(), w.outW()),
        v ->
            String.format(
                "-DH=%d -DW=%d -DPH=%d -DPW=%d -DOH=%d -DOW=%d -DTH=%d -DTW=%d",
                v.h(),
                v.w(),
                v.padH(),
                v.padW(),
                v.outH(),
                v.outW(),
                (v.outH() + 1) / 2,
                (v.outW() + 1) / 2));
  }
}
