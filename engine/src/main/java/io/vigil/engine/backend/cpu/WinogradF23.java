package io.vigil.engine.backend.cpu;

/**
 * The three transforms of Winograd's minimal filtering F(2×2, 3×3) in the batched form of Lavin and
 * Gray ("Fast Algorithms for Convolutional Neural Networks"), in plain Java. For a 3×3 filter
 * {@code g}, a 4×4 input tile {@code d} and the 2×2 output tile {@code Y} it makes:
 *
 * <pre>
 *   U = G g Gᵀ,  V = Bᵀ d B,  Y = Aᵀ [U ⊙ V] A
 *
 *        | 1    0    0  |         | 1  0 −1  0 |         | 1  1  1  0 |
 *   G =  | ½    ½    ½  |    Bᵀ = | 0  1  1  0 |    Aᵀ = | 0  1 −1 −1 |
 *        | ½   −½    ½  |         | 0 −1  1  0 |
 *        | 0    0    1  |         | 0  1  0 −1 |
 * </pre>
 *
 * Summed over channels, the element-wise product becomes 16 matrix products, one per point {@code ξ
 * = 4i + j} of the transformed 4×4 tile: {@code M[ξ] = U[ξ] · V[ξ]}, {@code K × C} filters times
 * {@code C × tiles}. Sixteen multiply-adds per channel make four outputs, where the direct
 * convolution spends 36. The transforms only add and halve, so the results differ from the direct
 * sum by rounding alone.
 *
 * <p>Layouts: {@code U[ξ][k][c]} and {@code V[ξ][c][t]}, {@code M[ξ][k][t]}, each {@code ξ} plane
 * {@code planeStride} floats after the previous one. Arrays are raw: callers check the ranges.
 *
 * <p>This class walks the tiles a row of tiles at a time in plain Java; {@link VectorWinogradF23}
 * overrides the transforms with the Vector API (load it only when the module is present, as {@link
 * CpuGemm} does for its kernel).
 */
class WinogradF23 {

  /** Points of the transformed tile, and so the number of products. */
  static final int POINTS = 16;

  /** The plain-Java transforms. */
  static final WinogradF23 PLAIN = new WinogradF23();

  WinogradF23() {}

  /** {@code vector} or {@code plain}, for tests and logs. */
  String name() {
    return "plain";
  }

  /** Floats of {@code work} the input and output transforms need for blocks of {@code tiles}. */
  int workSize(WinogradTiles g, int tiles) {
    return 4 * (2 * g.tilesW() + 2);
  }

  /** Zeros {@link #transformInput} needs in its {@code zeros} row. */
  int zeroRow(WinogradTiles g) {
    return g.width();
  }

  /** Floats a row of V needs past its last tile, scratch for {@link #transformInput}. */
  int rowPadding() {
    return 0;
  }

  /**
   * {@code U[ξ][k][c] = (G g_kc Gᵀ)[ξ]} for filters {@code [k0, k1)}: {@code g_kc(dy, dx) = w[wOff
   * + k·ldw + c·9 + dy·3 + dx]} (the weights' {@code K × C·3·3} row-major layout), written to
   * {@code u[uOff + ξ·planeStride + k·channels + c]}.
   */
  void transformFilters(
      float[] w,
      int wOff,
      int ldw,
      int channels,
      int k0,
      int k1,
      float[] u,
      int uOff,
      int planeStride) {
    for (int k = k0; k < k1; k++) {
      int src = wOff + k * ldw;
      int dst = uOff + k * channels;
      for (int c = 0; c < channels; c++) {
        filter(w, src + 9 * c, 1, u, dst + c, planeStride);
      }
    }
  }

  /**
   * {@code G g Gᵀ} of the filter whose tap {@code (dy, dx)} is {@code w[src + (3·dy + dx)·step]},
   * to {@code u[at + ξ·planeStride]}.
   */
  static void filter(float[] w, int src, int step, float[] u, int at, int planeStride) {
    float g00 = w[src];
    float g01 = w[src + step];
    float g02 = w[src + 2 * step];
    float g10 = w[src + 3 * step];
    float g11 = w[src + 4 * step];
    float g12 = w[src + 5 * step];
    float g20 = w[src + 6 * step];
    float g21 = w[src + 7 * step];
    float g22 = w[src + 8 * step];
    // t = G g (4 × 3), column by column.
    float t10 = 0.5f * (g00 + g10 + g20);
    float t11 = 0.5f * (g01 + g11 + g21);
    float t12 = 0.5f * (g02 + g12 + g22);
    float t20 = 0.5f * (g00 - g10 + g20);
    float t21 = 0.5f * (g01 - g11 + g21);
    float t22 = 0.5f * (g02 - g12 + g22);
    // U = t Gᵀ (4 × 4), row by row.
    filterRow(g00, g01, g02, u, at, planeStride);
    filterRow(t10, t11, t12, u, at + 4 * planeStride, planeStride);
    filterRow(t20, t21, t22, u, at + 8 * planeStride, planeStride);
    filterRow(g20, g21, g22, u, at + 12 * planeStride, planeStride);
  }

  private static void filterRow(float a, float b, float c, float[] u, int at, int planeStride) {
    u[at] = a;
    u[at + planeStride] = 0.5f * (a + b + c);
    u[at + 2 * planeStride] = 0.5f * (a - b + c);
    u[at + 3 * planeStride] = c;
  }

  /**
   * {@code V[ξ][c][t − t0] = (Bᵀ d_ct B)[ξ]} for {@code channels} channels and tiles {@code [t0,
   * t1)}: channel {@code c} of image {@code i} is the {@code height × width} plane at {@code x[xOff
   * + i·imageStride + c·height·width]}; written to {@code v[vOff + ξ·planeStride + c·ldv + t −
   * t0]}. {@code work} holds {@link #workSize} floats, {@code zeros} at least {@code width} zeros.
   */
  void transformInput(
      float[] x,
      int xOff,
      int imageStride,
      int channels,
      WinogradTiles g,
      int t0,
      int t1,
      float[] v,
      int vOff,
      int ldv,
      int planeStride,
      float[] work,
      float[] zeros) {
    int perImage = g.perImage();
    int plane = g.height() * g.width();
    int rs = 2 * g.tilesW() + 2;
    for (int t = t0; t < t1; ) {
      int image = t / perImage;
      int r = t - image * perImage;
      int ty = r / g.tilesW();
      int tx0 = r - ty * g.tilesW();
      int count = Math.min(g.tilesW() - tx0, t1 - t);
      int base = xOff + image * imageStride;
      for (int c = 0; c < channels; c++) {
        downColumns(
            x,
            base + c * plane,
            g,
            2 * ty - g.padH(),
            2 * tx0 - g.padW(),
            2 * count + 2,
            work,
            rs,
            zeros,
            0);
        alongRows(work, rs, 0, count, v, vOff + c * ldv + t - t0, planeStride);
      }
      t += count;
    }
  }

  /**
   * {@code rows[i·rs + at + j] = (Bᵀ d)[i]} at column {@code xs + j}, {@code j < len}, of the four
   * input rows from {@code y0}: {@code d0 − d2, d1 + d2, d2 − d1, d1 − d3}, zero outside the image.
   * Tiles side by side share these: they overlap by two columns.
   */
  static void downColumns(
      float[] x,
      int plane,
      WinogradTiles g,
      int y0,
      int xs,
      int len,
      float[] rows,
      int rs,
      float[] zeros,
      int at) {
    int h = g.height();
    int w = g.width();
    // Columns [jl, jr) of the segment lie inside the image; the rest is padding.
    int jl = Math.min(len, Math.max(0, -xs));
    int jr = Math.max(jl, Math.min(len, w - xs));
    // A row outside the image reads the zero row, shifted so that column jl reads its index 0.
    float[] a0 = y0 >= 0 && y0 < h ? x : zeros;
    float[] a1 = y0 + 1 >= 0 && y0 + 1 < h ? x : zeros;
    float[] a2 = y0 + 2 >= 0 && y0 + 2 < h ? x : zeros;
    float[] a3 = y0 + 3 >= 0 && y0 + 3 < h ? x : zeros;
    int o0 = a0 == x ? plane + y0 * w + xs : -jl;
    int o1 = a1 == x ? plane + (y0 + 1) * w + xs : -jl;
    int o2 = a2 == x ? plane + (y0 + 2) * w + xs : -jl;
    int o3 = a3 == x ? plane + (y0 + 3) * w + xs : -jl;
    zeroColumns(rows, rs, at, at + jl);
    for (int j = jl; j < jr; j++) {
      float d0 = a0[o0 + j];
      float d1 = a1[o1 + j];
      float d2 = a2[o2 + j];
      float d3 = a3[o3 + j];
      rows[at + j] = d0 - d2;
      rows[rs + at + j] = d1 + d2;
      rows[2 * rs + at + j] = d2 - d1;
      rows[3 * rs + at + j] = d1 - d3;
    }
    zeroColumns(rows, rs, at + jr, at + len);
  }

  private static void zeroColumns(float[] rows, int rs, int from, int to) {
    for (int j = from; j < to; j++) {
      rows[j] = 0f;
      rows[rs + j] = 0f;
      rows[2 * rs + j] = 0f;
      rows[3 * rs + j] = 0f;
    }
  }

  /**
   * {@code V = (Bᵀ d) · B} for tiles {@code [from, to)} of a row from {@link #downColumns}: tile
   * {@code s} reads columns {@code 2s … 2s + 3} and goes to {@code v[at + s + ξ·ps]}.
   */
  static void alongRows(float[] rows, int rs, int from, int to, float[] v, int at, int ps) {
    for (int s = from; s < to; s++) {
      int j = 2 * s;
      int o = at + s;
      for (int i = 0; i < 4; i++) {
        int ri = i * rs + j;
        float p = rows[ri];
        float q = rows[ri + 1];
        float r = rows[ri + 2];
        float u = rows[ri + 3];
        int vi = o + 4 * i * ps;
        v[vi] = p - r;
        v[vi + ps] = q + r;
        v[vi + 2 * ps] = r - q;
        v[vi + 3 * ps] = q - u;
      }
    }
  }

  /**
   * {@code Y = Aᵀ M A} for {@code filters} filters and tiles {@code [t0, t1)}: reads {@code
   * M[ξ][k][t − t0]} at {@code m[mOff + ξ·planeStride + k·ldm + t − t0]}, writes filter {@code k}
   * of image {@code i} to the {@code outH × outW} plane at {@code y[yOff + i·imageStride + k·ldy]}.
   * {@code work} holds {@link #workSize} floats.
   */
  void transformOutput(
      float[] m,
      int mOff,
      int ldm,
      int planeStride,
      int filters,
      WinogradTiles g,
      int t0,
      int t1,
      float[] y,
      int yOff,
      int imageStride,
      int ldy,
      float[] work) {
    int perImage = g.perImage();
    int outW = g.outW();
    for (int t = t0; t < t1; ) {
      int image = t / perImage;
      int r = t - image * perImage;
      int ty = r / g.tilesW();
      int tx0 = r - ty * g.tilesW();
      int count = Math.min(g.tilesW() - tx0, t1 - t);
      int whole = wholeTiles(g, tx0, count);
      boolean twoRows = 2 * ty + 1 < g.outH();
      int yBase = yOff + image * imageStride + 2 * ty * outW + 2 * tx0;
      for (int k = 0; k < filters; k++) {
        outputTiles(
            m,
            mOff + k * ldm + t - t0,
            planeStride,
            0,
            count,
            whole,
            twoRows,
            y,
            yBase + k * ldy,
            outW);
      }
      t += count;
    }
  }

  /** Of {@code count} tiles from column {@code tx0}, how many lie wholly inside the output. */
  static int wholeTiles(WinogradTiles g, int tx0, int count) {
    // An odd width clips the last tile of a row to one column.
    return Math.max(0, Math.min(count, g.outW() / 2 - tx0));
  }

  /**
   * Tiles {@code [from, to)} of one filter in a row of tiles: tile {@code s} reads {@code m[at + s
   * + ξ·ps]} and writes columns {@code 2s, 2s + 1} (only {@code 2s} from {@code whole} on) of one
   * or two ({@code twoRows}) output rows from {@code y[yAt]}.
   */
  static void outputTiles(
      float[] m,
      int at,
      int ps,
      int from,
      int to,
      int whole,
      boolean twoRows,
      float[] y,
      int yAt,
      int outW) {
    for (int s = from; s < to; s++) {
      int o = at + s;
      // Aᵀ M: two rows of four, column by column (m_ij is point 4i + j).
      float m00 = m[o];
      float m01 = m[o + ps];
      float m02 = m[o + 2 * ps];
      float m03 = m[o + 3 * ps];
      float m10 = m[o + 4 * ps];
      float m11 = m[o + 5 * ps];
      float m12 = m[o + 6 * ps];
      float m13 = m[o + 7 * ps];
      float m20 = m[o + 8 * ps];
      float m21 = m[o + 9 * ps];
      float m22 = m[o + 10 * ps];
      float m23 = m[o + 11 * ps];
      float m30 = m[o + 12 * ps];
      float m31 = m[o + 13 * ps];
      float m32 = m[o + 14 * ps];
      float m33 = m[o + 15 * ps];
      float s00 = m00 + m10 + m20;
      float s01 = m01 + m11 + m21;
      float s02 = m02 + m12 + m22;
      float s03 = m03 + m13 + m23;
      float s10 = m10 - m20 - m30;
      float s11 = m11 - m21 - m31;
      float s12 = m12 - m22 - m32;
      float s13 = m13 - m23 - m33;
      // · A: two columns.
      int yi = yAt + 2 * s;
      y[yi] = s00 + s01 + s02;
      if (s < whole) {
        y[yi + 1] = s01 - s02 - s03;
      }
      if (twoRows) {
        y[yi + outW] = s10 + s11 + s12;
        if (s < whole) {
          y[yi + outW + 1] = s11 - s12 - s13;
        }
      }
    }
  }
}
