package io.vigil.engine.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link WinogradF23}'s input and output transforms with the Vector API, a vector of {@code LANES}
 * tiles at a time; the plain code spends most of its time on the 16 separate loads or stores of
 * each tile, here one vector per {@code LANES} tiles. Tile {@code s} of a row of tiles reads input
 * columns {@code 2s … 2s + 3} and writes output columns {@code 2s, 2s + 1}:
 *
 * <ul>
 *   <li>input: per channel and row of tiles, the column transforms {@code Bᵀ d} of input columns
 *       {@code 2s …} and {@code 2s + 2 …}, loaded straight from the image, are split into even and
 *       odd lanes ({@code p q} and {@code r u} of each tile) and combined ({@code · B}) into V;
 *   <li>output: per filter, {@code Aᵀ M A} over every tile of a block into four rows (the tiles'
 *       four outputs), then each row of tiles zipped into its two output rows.
 * </ul>
 *
 * Rows of tiles are short (7 tiles on a 14 × 14 image), so a row of up to {@code LANES / 2 − 1}
 * tiles takes one vector of columns, and whole vectors are stored past the last tile of a row: the
 * next row overwrites the junk, and rows of V have room for it past the block ({@link
 * #rowPadding}).
 *
 * <p>What C2 in JDK 17 compiles well here is narrow; where it fails, vectors are boxed and every
 * operation allocates (3–4× slower, and {@code PredictorAllocationTest} fails). A shuffle of two
 * vectors ({@code rearrange(shuffle, other)}) allocates: each vector is shuffled alone and the two
 * blended. A vector that merges two branches, or is passed to a method that is not inlined, is
 * boxed: every kernel is straight-line code from loads to stores. A method with more than about 40
 * vector operations runs past C2's inlining budget, which varies with what else was compiled first
 * (a 60-operation filter transform allocated in one test run of two, so the filters are transformed
 * by the plain code, which is memory-bound anyway); so each kernel stays under that, and above 325
 * bytes of bytecode, so that C2 compiles it on its own rather than inlining it into its caller,
 * adding up the operations of several. Storing column transforms and loading them back a few floats
 * further on stalls each load (store forwarding fails), so nothing goes through memory between the
 * two steps of the input transform.
 *
 * <p>Needs {@code --add-modules jdk.incubator.vector}; load this class only after checking the
 * module is present.
 */
final class VectorWinogradF23 extends WinogradF23 {

  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

  private static final int LANES = S.length();

  static final VectorWinogradF23 INSTANCE = new VectorWinogradF23();

  private VectorWinogradF23() {}

  @Override
  String name() {
    return "vector";
  }

  @Override
  int workSize(WinogradTiles g, int tiles) {
    // Four rows of column transforms (near the ends of the array), or four output rows.
    return Math.max(4 * (2 * g.tilesW() + 2), 4 * (tiles + LANES));
  }

  @Override
  int zeroRow(WinogradTiles g) {
    // Whole vectors read up to two vectors and two columns past a row of tiles.
    return 2 * g.tilesW() + 2 + 2 * LANES;
  }

  /** Per channel, each row of tiles of the block by {@link VectorWinogradInput#inputRow}. */
  @Override
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
    int image0 = t0 / perImage;
    int ty0 = (t0 - image0 * perImage) / g.tilesW();
    int tx00 = t0 - image0 * perImage - ty0 * g.tilesW();
    for (int c = 0; c < channels; c++) {
      int image = image0;
      int ty = ty0;
      int tx0 = tx00;
      for (int t = t0; t < t1; ) {
        int count = Math.min(g.tilesW() - tx0, t1 - t);
        VectorWinogradInput.inputRow(
            x,
            xOff + image * imageStride + c * plane,
            g,
            2 * ty - g.padH(),
            2 * tx0 - g.padW(),
            count,
            zeros,
            v,
            vOff + c * ldv + t - t0,
            planeStride,
            work);
        t += count;
        tx0 = 0;
        if (++ty == g.tilesH()) {
          ty = 0;
          image++;
        }
      }
    }
  }

  /** Floats a row of V needs past its last tile for {@link #transformInput}'s whole vectors. */
  @Override
  int rowPadding() {
    return LANES;
  }

  /**
   * Per filter: {@code Aᵀ M A} over the whole block a vector of tiles at a time, into four rows
   * (the tiles' four outputs), then each row of tiles zipped into its two output rows.
   */
  @Override
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
    int tiles = t1 - t0;
    int bs = tiles + LANES;
    int perImage = g.perImage();
    int outW = g.outW();
    int image0 = t0 / perImage;
    int ty0 = (t0 - image0 * perImage) / g.tilesW();
    int tx00 = t0 - image0 * perImage - ty0 * g.tilesW();
    for (int k = 0; k < filters; k++) {
      VectorWinogradOutput.outputs(m, mOff + k * ldm, planeStride, tiles, work, bs);
      int image = image0;
      int ty = ty0;
      int tx0 = tx00;
      for (int t = t0; t < t1; ) {
        int count = Math.min(g.tilesW() - tx0, t1 - t);
        VectorWinogradOutput.zipRow(
            work,
            t - t0,
            bs,
            count,
            wholeTiles(g, tx0, count),
            2 * ty + 1 < g.outH(),
            y,
            yOff + image * imageStride + k * ldy + 2 * ty * outW + 2 * tx0,
            outW);
        t += count;
        tx0 = 0;
        if (++ty == g.tilesH()) {
          ty = 0;
          image++;
        }
      }
    }
  }
}
