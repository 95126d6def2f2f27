package io.vigil.engine.backend.cpu;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The fast GEMM kernel: cache-blocked and register-tiled with the Vector API (GotoBLAS/BLIS loop
 * order), {@code C[r0..r1) = alpha·op(A)·op(B) + beta·C}.
 *
 * <pre>
 *   for jc in n step NC                  a block of NC columns of op(B) and C
 *     for pc in k step KC                a KC-deep slice: packed op(B) block KC × NC (L2/L3)
 *       for ic in [r0, r1) step MC       packed op(A) block MC × KC (L2)
 *         for jr in NC step NR           one KC × NR micro-panel of op(B) (stays in L1)
 *           for ir in MC step MR         MR × NR register tile: C += A-panel · B-panel
 * </pre>
 *
 * The register tile is {@code MR = 6} rows by {@code NR = 2} vectors (6 × 32 floats with AVX-512):
 * twelve accumulators held in local variables, so C2 keeps them in registers (held in an array they
 * fall to memory and the kernel runs ~40× slower). Packing absorbs the transpositions and zero-pads
 * the edges, so one micro-kernel serves every case; tiles that cross the edge of C are finished
 * through a small scratch tile. When op(B) is {@code B} itself and C has few rows, the micro-panels
 * are read straight from B (stride {@code ldb}) instead of being packed: a convolution's per-image
 * {@code 6 × 784 × 25} product would otherwise spend as long copying its columns as multiplying
 * them (where B's rows would alias in L1, each panel is copied into L1 just before its use).
 *
 * <p>Needs {@code --add-modules jdk.incubator.vector}; load this class only after checking the
 * module is present ({@link CpuGemm} does). Per-thread scratch grows to the largest block seen, so
 * steady state allocates nothing.
 */
final class VectorGemm implements GemmKernel {

  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

  /** Floats per vector: 16 with AVX-512, 8 with AVX2. */
  static final int LANES = S.length();

  /** Rows of the register tile. */
  static final int MR = 6;

  /** Columns of the register tile: two vectors. */
  static final int NR = 2 * LANES;

  /** Depth of a packed slice: a KC × NR micro-panel of B fills about half of L1. */
  static final int KC = 256;

  /** Rows of a packed A block (a multiple of MR): 144 × 256 floats = 144 KiB, in L2. */
  static final int MC = 144;

  /** Columns of a packed B block (a multiple of NR). */
  static final int NC = 3072;

  /** Up to this many columns of C, op(A) = A is read in place rather than packed. */
  private static final int DIRECT_A_MAX_COLS = 8 * NR;

  /**
   * Up to this many rows of C, op(B) = B is read in place (or a panel at a time) rather than packed
   * in blocks: measured on a convolution's columns, 1 thread, AlexNet's conv1 (96 × 3025 × 363) ran
   * at 69 GFLOP/s packed and 92 in place, 128-filter layers 77–84 and 90–95; above 132 rows neither
   * way was faster.
   */
  private static final int DIRECT_B_MAX_ROWS = 22 * MR;

  /**
   * Up to this many rows of C, {@code A·Bᵀ} with a long {@code k} runs as vector dot products along
   * the rows of A and B, both contiguous ({@link VectorDotGemm}): packing B would cost more than
   * the product (a convolution's weight gradient {@code 6 × 25 × 784}: 25 × 784 floats transposed
   * per 6 rows).
   */
  private static final int DOT_MAX_ROWS = 4 * MR;

  /**
   * Up to this many floats, op(B) = B is read in place with any number of rows of C: it stays in
   * L2, and packing it would cost as much as the product (the input gradient of LeNet-5's second
   * convolution, 150 × 100 × 16, reads a B of 1,600 floats).
   */
  private static final int DIRECT_B_MAX_FLOATS = 16 * 1024;

  /**
   * {@code Σ A·Bᵀ} with at least this many times more columns than rows is computed as {@code (Σ
   * B·Aᵀ)ᵀ} ({@link #sumSwapped}).
   */
  private static final int SUM_SWAP_MIN_RATIO = 4;

  static final VectorGemm INSTANCE = new VectorGemm();

  private static final class Scratch {
    float[] a = new float[0];
    float[] b = new float[0];
    float[] sum = new float[0];
    final float[] edge = new float[KC * NR];
    final float[] edgeA = new float[KC * MR];
    final float[] tile = new float[MR * NR];

    float[] a(int size) {
      if (a.length < size) {
        a = new float[size];
      }
      return a;
    }

    float[] sum(int size) {
      if (sum.length < size) {
        sum = new float[size];
      }
      return sum;
    }

    float[] b(int size) {
      if (b.length < size) {
        b = new float[size];
      }
      return b;
    }
  }

  private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

  private VectorGemm() {}

  @Override
  public String name() {
    return "vector";
  }

  /** Several multiply-adds a nanosecond: a small product is over before a hand-off would be. */
  @Override
  public long parallelCost(long multiplyAdds) {
    return multiplyAdds / 8;
  }

  /** {@code A·Bᵀ} sums with few rows run as one long dot product per element across the batch. */
  @Override
  public void gemmSum(
      int m,
      int n,
      int k,
      float alpha,
      MatrixView a,
      int strideA,
      MatrixView b,
      int strideB,
      int count,
      float beta,
      MatrixView c) {
    boolean timesBt = b.transposed() && !a.transposed() && alpha != 0f;
    if (timesBt && m <= DOT_MAX_ROWS && k >= LANES) {
      VectorDotGemm.gemmSum(
          0,
          m,
          n,
          k,
          alpha,
          a.data(),
          a.offset(),
          a.ld(),
          strideA,
          b.data(),
          b.offset(),
          b.ld(),
          strideB,
          count,
          beta,
          c.data(),
          c.offset(),
          c.ld());
      return;
    }
    if (timesBt && n >= SUM_SWAP_MIN_RATIO * m) {
      sumSwapped(m, n, k, alpha, a, strideA, b, strideB, count, beta, c);
      return;
    }
    GemmKernel.super.gemmSum(m, n, k, alpha, a, strideA, b, strideB, count, beta, c);
  }

  /**
   * {@code C = alpha · Σ A_i·B_iᵀ + beta · C} as {@code Cᵀ = Σ B_i·A_iᵀ} into scratch, then
   * transposed into C once. A convolution's weight gradient {@code dY·colsᵀ} has far more columns
   * (taps) than rows (filters): computed as it stands, every image's columns would be transposed
   * into B's panels ({@code n × k} floats); swapped, the columns are read in place as A and only
   * the small {@code dY} is packed ({@code m × k}).
   */
  private void sumSwapped(
      int m,
      int n,
      int k,
      float alpha,
      MatrixView a,
      int strideA,
      MatrixView b,
      int strideB,
      int count,
      float beta,
      MatrixView c) {
    float[] t = SCRATCH.get().sum(n * m);
    GemmKernel.super.gemmSum(
        n,
        m,
        k,
        1f,
        b.transpose(),
        strideB,
        a.transpose(),
        strideA,
        count,
        0f,
        MatrixView.of(t, 0, m));
    float[] cv = c.data();
    for (int i = 0; i < m; i++) {
      int row = c.offset() + i * c.ld();
      for (int j = 0; j < n; j++) {
        float old = beta == 0f ? 0f : beta * cv[row + j];
        cv[row + j] = alpha * t[j * m + i] + old;
      }
    }
  }

  @Override
  public String describe() {
    return "vector (Vector API, "
        + LANES
        + " float lanes, "
        + MR
        + "×"
        + NR
        + " register tile, blocks "
        + MC
        + "×"
        + KC
        + "×"
        + NC
        + ")";
  }

  /**
   * Unpacks the views and runs {@link #blocked}: small enough for the JIT to inline where the views
   * are made, so that escape analysis removes them and a product allocates nothing (inference is
   * checked for that).
   */
  @Override
  public void gemm(
      int r0,
      int r1,
      int n,
      int k,
      float alpha,
      MatrixView a,
      MatrixView b,
      float beta,
      MatrixView c) {
    blocked(
        a.transposed(),
        b.transposed(),
        r0,
        r1,
        n,
        k,
        alpha,
        a.data(),
        a.offset(),
        a.ld(),
        b.data(),
        b.offset(),
        b.ld(),
        beta,
        c.data(),
        c.offset(),
        c.ld());
  }

  /** {@link #gemm} on the unpacked views. */
  private void blocked(
      boolean transA,
      boolean transB,
      int r0,
      int r1,
      int n,
      int k,
      float alpha,
      float[] a,
      int aOff,
      int lda,
      float[] b,
      int bOff,
      int ldb,
      float beta,
      float[] c,
      int cOff,
      int ldc) {
    if (r0 >= r1) {
      return;
    }
    if (alpha == 0f) {
      GemmKernel.scaleRows(c, cOff, ldc, r0, r1, n, beta);
      return;
    }
    if (transB && !transA && r1 - r0 <= DOT_MAX_ROWS && k >= 2 * LANES) {
      VectorDotGemm.gemm(r0, r1, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
      return;
    }
    Scratch s = SCRATCH.get();
    // With few row tiles to reuse each panel of B, packing whole blocks of it costs more than it
    // saves: B is read in place, or, where its rows would alias in L1 (a stride of a multiple of
    // 1 KiB maps a panel's rows onto a few cache sets), each panel is copied just before its
    // use, into L1 (one thread, alternating runs: ResNet-18's conv1, 64 × 12,544 × 147, 60–65 →
    // 61–74 GFLOP/s; 96 × 3072 × 363 83–89 → 90–94).
    // A B small enough to stay in L2 is read in place however many row tiles reuse it.
    boolean direct =
        !transB && (r1 - r0 <= DIRECT_B_MAX_ROWS || (long) k * n <= DIRECT_B_MAX_FLOATS);
    boolean aliased = (ldb & 255) == 0;
    // Reading A in place pays when few column tiles reuse each packed panel (the late layers of
    // a ResNet at batch 1: 49 positions, 512 filters, 4608 taps). Edge rows are still packed,
    // unless the last tile is moved back (below).
    boolean directA = !transA && n <= DIRECT_A_MAX_COLS;
    // A product that overwrites C in one slice of depth may finish a partial edge tile as a
    // whole one, moved back to end at C's edge: the tile recomputes a few columns (or rows) of
    // C with the very same values, and takes the in-place store instead of a scratch tile and a
    // scalar copy (LeNet-5's 16 × 100 × 150 product: rows 10–15 and columns 84–99 are its edges).
    boolean overlap = beta == 0f && k <= KC;
    for (int jc = 0; jc < n; jc += NC) {
      int nc = Math.min(NC, n - jc);
      for (int pc = 0; pc < k; pc += KC) {
        int kc = Math.min(KC, k - pc);
        float betaNow = pc == 0 ? beta : 1f;
        float[] bp = null;
        if (!direct) {
          bp = s.b(kc * roundUp(nc, NR));
          packB(transB, b, bOff, ldb, pc, kc, jc, nc, bp);
        }
        for (int ic = r0; ic < r1; ic += MC) {
          int mc = Math.min(MC, r1 - ic);
          float[] ap = null;
          if (!directA) {
            ap = s.a(kc * roundUp(mc, MR));
            packA(transA, a, aOff, lda, ic, mc, pc, kc, ap);
          } else if (mc % MR != 0 && !(overlap && mc >= MR)) {
            // The last rows of A, read in place otherwise: packed once here with zero rows, so
            // that no read runs past A, and reused by every column tile.
            int edge = mc - mc % MR;
            packA(false, a, aOff, lda, ic + edge, mc - edge, pc, kc, s.edgeA);
          }
          for (int jr = 0; jr < nc; jr += NR) {
            int cols = Math.min(NR, nc - jr);
            int at = jr;
            if (overlap && direct && cols < NR) {
              int width = cols <= LANES ? LANES : NR;
              if (nc >= width) {
                at = nc - width;
                cols = width;
              }
            }
            float[] bArr;
            int bIdx;
            int bStride;
            if (!direct) {
              bArr = bp;
              bIdx = jr * kc;
              bStride = NR;
            } else if (!aliased && readsInside(b, bOff + (pc + kc - 1) * ldb + jc + at, cols)) {
              // An edge panel too is read in place, whole vectors wide: the columns past C's
              // edge only feed accumulator lanes that are never stored (each column of C
              // depends on its own column of B alone). Copying the 4 last columns of LeNet-5's
              // 16 × 100 × 150 product cost a quarter of its time.
              bArr = b;
              bIdx = bOff + pc * ldb + jc + at;
              bStride = ldb;
            } else {
              bArr = s.edge;
              bIdx = 0;
              bStride = NR;
              copyPanel(b, bOff + pc * ldb + jc + at, ldb, kc, cols, bArr);
            }
            int cCol = cOff + jc + at;
            for (int ir = 0; ir < mc; ir += MR) {
              int rows = Math.min(MR, mc - ir);
              int row = ir;
              if (overlap && directA && rows < MR && mc >= MR) {
                row = mc - MR;
                rows = MR;
              }
              int ci = cCol + (ic + row) * ldc;
              float[] aArr;
              int aIdx;
              int aRowStride;
              int aDepthStride;
              if (!directA) {
                aArr = ap;
                aIdx = ir * kc;
                aRowStride = 1;
                aDepthStride = MR;
              } else if (rows == MR) {
                aArr = a;
                aIdx = aOff + (ic + row) * lda + pc;
                aRowStride = lda;
                aDepthStride = 1;
              } else {
                aArr = s.edgeA;
                aIdx = 0;
                aRowStride = 1;
                aDepthStride = MR;
              }
              if (cols <= LANES) {
                microNarrow(
                    kc,
                    aArr,
                    aIdx,
                    aRowStride,
                    aDepthStride,
                    bArr,
                    bIdx,
                    bStride,
                    c,
                    ci,
                    ldc,
                    rows,
                    cols,
                    alpha,
                    betaNow,
                    s.tile);
              } else {
                micro(
                    kc,
                    aArr,
                    aIdx,
                    aRowStride,
                    aDepthStride,
                    bArr,
                    bIdx,
                    bStride,
                    c,
                    ci,
                    ldc,
                    rows,
                    cols,
                    alpha,
                    betaNow,
                    s.tile);
              }
            }
          }
        }
      }
    }
  }

  /**
   * {@code C[rows × cols] = alpha · Apanel · Bpanel + beta · C} for one register tile. A's value
   * (row r, depth p) is {@code ap[ai + r·ars + p·aps]}: a packed panel ({@code ars = 1, aps = MR})
   * or A read in place ({@code ars = lda, aps = 1}); B's row {@code p} starts at {@code bi + p ·
   * bs}.
   */
  private static void micro(
      int kc,
      float[] ap,
      int ai,
      int ars,
      int aps,
      float[] bp,
      int bi,
      int bs,
      float[] c,
      int ci,
      int ldc,
      int rows,
      int cols,
      float alpha,
      float beta,
      float[] tile) {
    FloatVector c00 = FloatVector.zero(S);
    FloatVector c01 = c00;
    FloatVector c10 = c00;
    FloatVector c11 = c00;
    FloatVector c20 = c00;
    FloatVector c21 = c00;
    FloatVector c30 = c00;
    FloatVector c31 = c00;
    FloatVector c40 = c00;
    FloatVector c41 = c00;
    FloatVector c50 = c00;
    FloatVector c51 = c00;
    int a0 = ai;
    int a1 = ai + ars;
    int a2 = ai + 2 * ars;
    int a3 = ai + 3 * ars;
    int a4 = ai + 4 * ars;
    int a5 = ai + 5 * ars;
    // Indices linear in p (not running sums) let C2 hoist the bounds checks.
    for (int p = 0; p < kc; p++) {
      int pb = bi + p * bs;
      int pa = p * aps;
      FloatVector b0 = FloatVector.fromArray(S, bp, pb);
      FloatVector b1 = FloatVector.fromArray(S, bp, pb + LANES);
      FloatVector x = FloatVector.broadcast(S, ap[a0 + pa]);
      c00 = x.fma(b0, c00);
      c01 = x.fma(b1, c01);
      x = FloatVector.broadcast(S, ap[a1 + pa]);
      c10 = x.fma(b0, c10);
      c11 = x.fma(b1, c11);
      x = FloatVector.broadcast(S, ap[a2 + pa]);
      c20 = x.fma(b0, c20);
      c21 = x.fma(b1, c21);
      x = FloatVector.broadcast(S, ap[a3 + pa]);
      c30 = x.fma(b0, c30);
      c31 = x.fma(b1, c31);
      x = FloatVector.broadcast(S, ap[a4 + pa]);
      c40 = x.fma(b0, c40);
      c41 = x.fma(b1, c41);
      x = FloatVector.broadcast(S, ap[a5 + pa]);
      c50 = x.fma(b0, c50);
      c51 = x.fma(b1, c51);
    }
    if (rows == MR && cols == NR && alpha == 1f && (beta == 0f || beta == 1f)) {
      // The common full tiles, stored in place. Only Vector API calls here: they are always
      // inlined, where a helper taking vectors may not be in a method this large, and a vector
      // that escapes is boxed.
      if (beta == 1f) {
        c00 = c00.add(FloatVector.fromArray(S, c, ci));
        c01 = c01.add(FloatVector.fromArray(S, c, ci + LANES));
        c10 = c10.add(FloatVector.fromArray(S, c, ci + ldc));
        c11 = c11.add(FloatVector.fromArray(S, c, ci + ldc + LANES));
        c20 = c20.add(FloatVector.fromArray(S, c, ci + 2 * ldc));
        c21 = c21.add(FloatVector.fromArray(S, c, ci + 2 * ldc + LANES));
        c30 = c30.add(FloatVector.fromArray(S, c, ci + 3 * ldc));
        c31 = c31.add(FloatVector.fromArray(S, c, ci + 3 * ldc + LANES));
        c40 = c40.add(FloatVector.fromArray(S, c, ci + 4 * ldc));
        c41 = c41.add(FloatVector.fromArray(S, c, ci + 4 * ldc + LANES));
        c50 = c50.add(FloatVector.fromArray(S, c, ci + 5 * ldc));
        c51 = c51.add(FloatVector.fromArray(S, c, ci + 5 * ldc + LANES));
      }
      c00.intoArray(c, ci);
      c01.intoArray(c, ci + LANES);
      c10.intoArray(c, ci + ldc);
      c11.intoArray(c, ci + ldc + LANES);
      c20.intoArray(c, ci + 2 * ldc);
      c21.intoArray(c, ci + 2 * ldc + LANES);
      c30.intoArray(c, ci + 3 * ldc);
      c31.intoArray(c, ci + 3 * ldc + LANES);
      c40.intoArray(c, ci + 4 * ldc);
      c41.intoArray(c, ci + 4 * ldc + LANES);
      c50.intoArray(c, ci + 5 * ldc);
      c51.intoArray(c, ci + 5 * ldc + LANES);
      return;
    }
    // Other tiles: spill to scratch and finish in a second method.
    c00.intoArray(tile, 0);
    c01.intoArray(tile, LANES);
    c10.intoArray(tile, NR);
    c11.intoArray(tile, NR + LANES);
    c20.intoArray(tile, 2 * NR);
    c21.intoArray(tile, 2 * NR + LANES);
    c30.intoArray(tile, 3 * NR);
    c31.intoArray(tile, 3 * NR + LANES);
    c40.intoArray(tile, 4 * NR);
    c41.intoArray(tile, 4 * NR + LANES);
    c50.intoArray(tile, 5 * NR);
    c51.intoArray(tile, 5 * NR + LANES);
    if (cols == NR) {
      flushRows(tile, c, ci, ldc, rows, alpha, beta);
    } else {
      flushEdge(tile, c, ci, ldc, rows, cols, alpha, beta);
    }
  }

  /**
   * {@link #micro} for an edge panel at most one vector wide: half the multiply-adds, where the
   * full tile would compute (and discard) up to {@code NR − 1} padding columns.
   */
  private static void microNarrow(
      int kc,
      float[] ap,
      int ai,
      int ars,
      int aps,
      float[] bp,
      int bi,
      int bs,
      float[] c,
      int ci,
      int ldc,
      int rows,
      int cols,
      float alpha,
      float beta,
      float[] tile) {
    FloatVector c0 = FloatVector.zero(S);
    FloatVector c1 = c0;
    FloatVector c2 = c0;
    FloatVector c3 = c0;
    FloatVector c4 = c0;
    FloatVector c5 = c0;
    int a0 = ai;
    int a1 = ai + ars;
    int a2 = ai + 2 * ars;
    int a3 = ai + 3 * ars;
    int a4 = ai + 4 * ars;
    int a5 = ai + 5 * ars;
    for (int p = 0; p < kc; p++) {
      int pa = p * aps;
      FloatVector y = FloatVector.fromArray(S, bp, bi + p * bs);
      c0 = FloatVector.broadcast(S, ap[a0 + pa]).fma(y, c0);
      c1 = FloatVector.broadcast(S, ap[a1 + pa]).fma(y, c1);
      c2 = FloatVector.broadcast(S, ap[a2 + pa]).fma(y, c2);
      c3 = FloatVector.broadcast(S, ap[a3 + pa]).fma(y, c3);
      c4 = FloatVector.broadcast(S, ap[a4 + pa]).fma(y, c4);
      c5 = FloatVector.broadcast(S, ap[a5 + pa]).fma(y, c5);
    }
    if (rows == MR && cols == LANES && alpha == 1f && (beta == 0f || beta == 1f)) {
      if (beta == 1f) {
        c0 = c0.add(FloatVector.fromArray(S, c, ci));
        c1 = c1.add(FloatVector.fromArray(S, c, ci + ldc));
        c2 = c2.add(FloatVector.fromArray(S, c, ci + 2 * ldc));
        c3 = c3.add(FloatVector.fromArray(S, c, ci + 3 * ldc));
        c4 = c4.add(FloatVector.fromArray(S, c, ci + 4 * ldc));
        c5 = c5.add(FloatVector.fromArray(S, c, ci + 5 * ldc));
      }
      c0.intoArray(c, ci);
      c1.intoArray(c, ci + ldc);
      c2.intoArray(c, ci + 2 * ldc);
      c3.intoArray(c, ci + 3 * ldc);
      c4.intoArray(c, ci + 4 * ldc);
      c5.intoArray(c, ci + 5 * ldc);
      return;
    }
    c0.intoArray(tile, 0);
    c1.intoArray(tile, NR);
    c2.intoArray(tile, 2 * NR);
    c3.intoArray(tile, 3 * NR);
    c4.intoArray(tile, 4 * NR);
    c5.intoArray(tile, 5 * NR);
    flushEdge(tile, c, ci, ldc, rows, cols, alpha, beta);
  }

  /** {@code C[r][0..NR) = alpha · tile[r] + beta · C[r]} for the first {@code rows} rows. */
  private static void flushRows(
      float[] tile, float[] c, int ci, int ldc, int rows, float alpha, float beta) {
    for (int r = 0; r < rows; r++) {
      int at = ci + r * ldc;
      for (int v = 0; v < NR; v += LANES) {
        FloatVector x = FloatVector.fromArray(S, tile, r * NR + v);
        if (alpha != 1f) {
          x = x.mul(alpha);
        }
        if (beta == 1f) {
          x = x.add(FloatVector.fromArray(S, c, at + v));
        } else if (beta != 0f) {
          x = FloatVector.fromArray(S, c, at + v).fma(FloatVector.broadcast(S, beta), x);
        }
        x.intoArray(c, at + v);
      }
    }
  }

  /** The part of an edge tile that lies inside C. */
  private static void flushEdge(
      float[] tile, float[] c, int ci, int ldc, int rows, int cols, float alpha, float beta) {
    for (int r = 0; r < rows; r++) {
      int row = ci + r * ldc;
      int t = r * NR;
      for (int j = 0; j < cols; j++) {
        float old = beta == 0f ? 0f : beta * c[row + j];
        c[row + j] = alpha * tile[t + j] + old;
      }
    }
  }

  /**
   * Rows {@code [i0, i0 + mc)} and depth {@code [p0, p0 + kc)} of op(A) into MR-row panels: panel
   * {@code q} at {@code q · MR · kc}, value {@code (r, p)} at {@code + p · MR + r}; rows past the
   * end are zero.
   */
  private static void packA(
      boolean transA, float[] a, int aOff, int lda, int i0, int mc, int p0, int kc, float[] dst) {
    for (int ir = 0; ir < mc; ir += MR) {
      int rows = Math.min(MR, mc - ir);
      int base = ir * kc;
      if (!transA) {
        // A(i, p) = a[i·lda + p]: read each row sequentially.
        for (int r = 0; r < rows; r++) {
          int src = aOff + (i0 + ir + r) * lda + p0;
          for (int p = 0; p < kc; p++) {
            dst[base + p * MR + r] = a[src + p];
          }
        }
        for (int r = rows; r < MR; r++) {
          for (int p = 0; p < kc; p++) {
            dst[base + p * MR + r] = 0f;
          }
        }
      } else {
        // A(i, p) = a[p·lda + i]: each depth step is MR contiguous values.
        for (int p = 0; p < kc; p++) {
          int src = aOff + (p0 + p) * lda + i0 + ir;
          int d = base + p * MR;
          for (int r = 0; r < rows; r++) {
            dst[d + r] = a[src + r];
          }
          for (int r = rows; r < MR; r++) {
            dst[d + r] = 0f;
          }
        }
      }
    }
  }

  /**
   * Whether the micro-kernels may read a panel of {@code cols} columns whose last row starts at
   * {@code lastRow} in place: they load whole vectors, one if {@code cols ≤ LANES}, else two.
   */
  private static boolean readsInside(float[] b, int lastRow, int cols) {
    return lastRow + (cols <= LANES ? LANES : NR) <= b.length;
  }

  /**
   * Rows of one panel of B, {@code cols} wide, into {@code dst} at stride NR. The columns past
   * {@code cols} keep what they held: they only feed lanes that are never stored.
   */
  private static void copyPanel(float[] b, int from, int ldb, int kc, int cols, float[] dst) {
    if (cols == NR) {
      // Two vector moves a row: a call to arraycopy per 32-float row cost as much again.
      for (int p = 0; p < kc; p++) {
        FloatVector.fromArray(S, b, from + p * ldb).intoArray(dst, p * NR);
        FloatVector.fromArray(S, b, from + p * ldb + LANES).intoArray(dst, p * NR + LANES);
      }
      return;
    }
    for (int p = 0; p < kc; p++) {
      System.arraycopy(b, from + p * ldb, dst, p * NR, cols);
    }
  }

  /** Columns {@code [j0, j0 + nc)}, depth {@code [p0, p0 + kc)} of op(B) into NR-wide panels. */
  private static void packB(
      boolean transB, float[] b, int bOff, int ldb, int p0, int kc, int j0, int nc, float[] dst) {
    for (int jr = 0; jr < nc; jr += NR) {
      packBPanel(transB, b, bOff, ldb, p0, kc, j0 + jr, Math.min(NR, nc - jr), dst, jr * kc);
    }
  }

  /** One {@code kc × NR} panel, value {@code (p, j)} at {@code at + p · NR + j}, zero-padded. */
  private static void packBPanel(
      boolean transB,
      float[] b,
      int bOff,
      int ldb,
      int p0,
      int kc,
      int j0,
      int cols,
      float[] dst,
      int at) {
    if (!transB) {
      for (int p = 0; p < kc; p++) {
        int d = at + p * NR;
        System.arraycopy(b, bOff + (p0 + p) * ldb + j0, dst, d, cols);
        if (cols < NR) {
          Arrays.fill(dst, d + cols, d + NR, 0f);
        }
      }
      return;
    }
    // op(B)(p, j) = B[j][p]: walk each row of B sequentially.
    for (int j = 0; j < cols; j++) {
      int src = bOff + (j0 + j) * ldb + p0;
      for (int p = 0; p < kc; p++) {
        dst[at + p * NR + j] = b[src + p];
      }
    }
    if (cols < NR) {
      for (int p = 0; p < kc; p++) {
        Arrays.fill(dst, at + p * NR + cols, at + (p + 1) * NR, 0f);
      }
    }
  }

  private static int roundUp(int x, int step) {
    return (x + step - 1) / step * step;
  }
}
