package io.vigil.engine.data;

import java.util.Objects;

/**
 * A set of grayscale images with one class label each, as read from IDX files.
 *
 * <p>{@code pixels} holds {@code count × height × width} unsigned bytes (0 = black, 255 = white),
 * image after image, row after row. {@code labels[i]} is the class index of image {@code i}.
 */
public record LabeledImages(int count, int height, int width, byte[] pixels, int[] labels) {

  public LabeledImages {
    Objects.requireNonNull(pixels, "pixels");
    Objects.requireNonNull(labels, "labels");
    if ((long) count * height * width != pixels.length) {
      throw new IllegalArgumentException(
          "labeled images: "
              + pixels.length
              + " pixel bytes do not make "
              + count
              + " images of "
              + height
              + "×"
              + width);
    }
    if (labels.length != count) {
      throw new IllegalArgumentException(
          "labeled images: " + labels.length + " labels for " + count + " images");
    }
  }

  /** Pixels in one image. */
  public int imageSize() {
    return height * width;
  }

  /** Pixel {@code (row, col)} of image {@code index}, scaled to [0, 1]. */
  public float pixel(int index, int row, int col) {
    return (pixels[index * imageSize() + row * width + col] & 0xFF) / 255f;
  }

  /** The first {@code n} images (or all, if there are fewer), sharing no arrays with this. */
  public LabeledImages head(int n) {
    int m = Math.min(n, count);
    byte[] p = new byte[m * imageSize()];
    System.arraycopy(pixels, 0, p, 0, p.length);
    int[] l = new int[m];
    System.arraycopy(labels, 0, l, 0, m);
    return new LabeledImages(m, height, width, p, l);
  }
}
