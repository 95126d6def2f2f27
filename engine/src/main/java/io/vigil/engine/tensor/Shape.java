package io.vigil.engine.tensor;

/**
 * The shape of a 4-D tensor in NCHW order: {@code n} images of {@code c} channels of {@code h × w}
 * values. A vector of features per image is {@code n × features × 1 × 1}.
 */
public record Shape(int n, int c, int h, int w) {

  public Shape {
    if (n < 0 || c < 1 || h < 1 || w < 1) {
      throw new IllegalArgumentException(
          "shape: batch must be ≥ 0 and c, h, w ≥ 1, got " + n + "×" + c + "×" + h + "×" + w);
    }
  }

  /** One image of {@code c × h × w}. */
  public static Shape image(int c, int h, int w) {
    return new Shape(1, c, h, w);
  }

  /** Number of values in the whole tensor: {@code n·c·h·w}. */
  public int size() {
    return Math.multiplyExact(n, perImage());
  }

  /** Number of values in one image: {@code c·h·w}. */
  public int perImage() {
    return Math.multiplyExact(Math.multiplyExact(c, h), w);
  }

  /** Values in one channel plane: {@code h·w}. */
  public int plane() {
    return h * w;
  }

  /** The same image shape with {@code batch} images. */
  public Shape withBatch(int batch) {
    return new Shape(batch, c, h, w);
  }

  /** {@code [c, h, w]}, the per-image part, as written in model files. */
  public int[] imageDims() {
    return new int[] {c, h, w};
  }

  @Override
  public String toString() {
    return n + "×" + c + "×" + h + "×" + w;
  }
}
