package io.vigil.pipeline.video;

/**
 * Where a {@code sourceWidth × sourceHeight} image lands in a {@code width × height} model input:
 * stretched over all of it, or letterboxed. A letterboxed image is scaled by {@code s = min(W / w,
 * H / h)} to {@code round(w·s) × round(h·s)} (at least 1, at most the input) and centred; the
 * padding is split in two, the odd pixel going to the right or bottom bar.
 *
 * @param innerWidth width of the scaled image inside the input
 * @param innerHeight height of the scaled image inside the input
 * @param left columns of padding on the left
 * @param top rows of padding at the top
 */
record InputFit(int innerWidth, int innerHeight, int left, int top) {

  /** How an image of the given size fits an input of the given size under {@code mode}. */
  static InputFit of(ResizeMode mode, int sourceWidth, int sourceHeight, int width, int height) {
    if (mode == ResizeMode.STRETCH) {
      return new InputFit(width, height, 0, 0);
    }
    double s = Math.min((double) width / sourceWidth, (double) height / sourceHeight);
    int innerWidth = (int) Math.max(1, Math.min(width, Math.round(sourceWidth * s)));
    int innerHeight = (int) Math.max(1, Math.min(height, Math.round(sourceHeight * s)));
    return new InputFit(
        innerWidth, innerHeight, (width - innerWidth) / 2, (height - innerHeight) / 2);
  }

  /** Whether the scaled image covers the whole input (no padding). */
  boolean fills(int width, int height) {
    return innerWidth == width && innerHeight == height;
  }
}
