package io.vigil.engine.data;

import java.util.Objects;

/**
 * A set of images with one class label each, as read from IDX files or an image folder.
 *
 * <p>{@code pixels} holds {@code count × channels × height × width} unsigned bytes (0 = black, 255
 * = full intensity), image after image, each CHW: one plane for gray, R, G and B planes for colour.
 * {@code labels[i]} is the class index of image {@code i}.
 */
public record LabeledImages(
    int count, int channels, int height, int width, byte[] pixels, int[] labels) {

  public LabeledImages {
    Objects.requireNonNull(pixels, "pixels");
    Objects.requireNonNull(labels, "labels");
    if (channels != 1 && channels != 3) {
      throw new IllegalArgumentException(
          "labeled images: channels must be 1 (gray) or 3 (RGB), got " + channels);
    }
    if ((long) count * channels * height * width != pixels.length) {
      throw new IllegalArgumentException(
          "labeled images: "
              + pixels.length
              + " pixel bytes do not make "
              + count
              + " images of "
              + channels
              + "×"
              + height
              + "×"
              + width);
    }
    if (labels.length != count) {
      throw new IllegalArgumentException(
          "labeled images: " + labels.length + " labels for " + count + " images");
    }
  }

  /** Gray images, as IDX files hold them. */
  public LabeledImages(int count, int height, int width, byte[] pixels, int[] labels) {
    this(count, 1, height, width, pixels, labels);
  }

  /** Bytes in one image: {@code channels × height × width}. */
  public int imageSize() {
    return channels * height * width;
  }

  /** Pixel {@code (row, col)} of the first channel of image {@code index}, scaled to [0, 1]. */
  public float pixel(int index, int row, int col) {
    return pixel(index, 0, row, col);
  }

  /** Pixel {@code (channel, row, col)} of image {@code index}, scaled to [0, 1]. */
  public float pixel(int index, int channel, int row, int col) {
    return (pixels[index * imageSize() + (channel * height + row) * width + col] & 0xFF) / 255f;
  }

  /** The first {@code n} images (or all, if there are fewer), sharing no arrays with this. */
  public LabeledImages head(int n) {
    int m = Math.min(n, count);
    byte[] p = new byte[m * imageSize()];
    System.arraycopy(pixels, 0, p, 0, p.length);
    int[] l = new int[m];
    System.arraycopy(labels, 0, l, 0, m);
    return new LabeledImages(m, channels, height, width, p, l);
  }

  /**
   * These images centred on a black canvas of {@code height × width} (LeNet-5 took 28×28 MNIST
   * digits padded to 32×32).
   */
  public LabeledImages padTo(int newHeight, int newWidth) {
    if (newHeight < height || newWidth < width) {
      throw new IllegalArgumentException(
          "cannot pad "
              + height
              + "×"
              + width
              + " images to the smaller "
              + newHeight
              + "×"
              + newWidth);
    }
    int top = (newHeight - height) / 2;
    int left = (newWidth - width) / 2;
    byte[] out = new byte[count * channels * newHeight * newWidth];
    for (int i = 0; i < count; i++) {
      for (int c = 0; c < channels; c++) {
        for (int y = 0; y < height; y++) {
          System.arraycopy(
              pixels,
              ((i * channels + c) * height + y) * width,
              out,
              ((i * channels + c) * newHeight + y + top) * newWidth + left,
              width);
        }
      }
    }
    return new LabeledImages(count, channels, newHeight, newWidth, out, labels.clone());
  }
}
