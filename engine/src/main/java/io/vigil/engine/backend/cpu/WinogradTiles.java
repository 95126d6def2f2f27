package io.vigil.engine.backend.cpu;

import io.vigil.engine.backend.Window2d;
import io.vigil.engine.backend.WinogradUse;

/**
 * The 2×2 output tiles of a 3×3, stride-1 convolution computed by Winograd's F(2×2, 3×3): {@code
 * tilesH × tilesW} tiles per image, numbered image by image and row by row, so that the tiles of a
 * batch form one range {@code [0, images · perImage())}. Tile {@code (ty, tx)} makes outputs {@code
 * [2ty, 2ty + 2) × [2tx, 2tx + 2)} (clipped at the last row and column when {@code outH} or {@code
 * outW} is odd) from the 4×4 input patch at rows {@code 2ty − padH + [0, 4)} and columns {@code 2tx
 * − padW + [0, 4)}, zero outside the image.
 */
record WinogradTiles(
    int height, int width, int padH, int padW, int outH, int outW, int tilesH, int tilesW) {

  /** The tiles of a window that {@link WinogradUse#computes(Window2d)} accepts. */
  static WinogradTiles of(Window2d w) {
    return new WinogradTiles(
        w.height(),
        w.width(),
        w.padH(),
        w.padW(),
        w.outH(),
        w.outW(),
        (w.outH() + 1) / 2,
        (w.outW() + 1) / 2);
  }

  int perImage() {
    return tilesH * tilesW;
  }
}
