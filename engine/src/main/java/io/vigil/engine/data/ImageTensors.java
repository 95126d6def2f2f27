package io.vigil.engine.data;

import io.vigil.engine.model.InputContract;

/**
 * Turns stored images into the floats a model expects: each byte scaled to [0, 1], then {@code (p −
 * mean[c])/std[c]} for its channel {@code c} per the {@link InputContract}, written CHW. A
 * 3-channel contract gets a gray image replicated into R, G and B; a 1-channel contract gets a
 * colour image as luma {@code 0.299 R + 0.587 G + 0.114 B} (ITU-R BT.601, as OpenCV's gray
 * conversion).
 */
public final class ImageTensors {

  private ImageTensors() {}

  /**
   * Writes image {@code index} of {@code images} into {@code dst[offset .. offset +
   * contract.size())}. The image must already be {@code contract.height() × contract.width()}.
   */
  public static void normalise(
      LabeledImages images, int index, InputContract contract, float[] dst, int offset) {
    if (images.height() != contract.height() || images.width() != contract.width()) {
      throw new IllegalArgumentException(
          "images are "
              + images.height()
              + "×"
              + images.width()
              + " but the input contract wants "
              + contract.height()
              + "×"
              + contract.width()
              + "; resize them first");
    }
    if (index < 0 || index >= images.count()) {
      throw new IndexOutOfBoundsException(
          "image index " + index + " outside [0, " + images.count() + ")");
    }
    int plane = images.height() * images.width();
    if (offset < 0 || offset + contract.size() > dst.length) {
      throw new IllegalArgumentException(
          "destination holds "
              + dst.length
              + " floats; image needs ["
              + offset
              + ", "
              + (offset + contract.size())
              + ")");
    }
    byte[] pixels = images.pixels();
    int src = index * images.imageSize();
    if (images.channels() == contract.channels()) {
      for (int c = 0; c < contract.channels(); c++) {
        float scale = scale(contract, c);
        float shift = shift(contract, c);
        int at = c * plane;
        for (int i = 0; i < plane; i++) {
          dst[offset + at + i] = (pixels[src + at + i] & 0xFF) * scale - shift;
        }
      }
    } else if (images.channels() == 1) {
      for (int c = 0; c < contract.channels(); c++) {
        float scale = scale(contract, c);
        float shift = shift(contract, c);
        int at = offset + c * plane;
        for (int i = 0; i < plane; i++) {
          dst[at + i] = (pixels[src + i] & 0xFF) * scale - shift;
        }
      }
    } else {
      float scale = scale(contract, 0);
      float shift = shift(contract, 0);
      for (int i = 0; i < plane; i++) {
        float luma =
            0.299f * (pixels[src + i] & 0xFF)
                + 0.587f * (pixels[src + plane + i] & 0xFF)
                + 0.114f * (pixels[src + 2 * plane + i] & 0xFF);
        dst[offset + i] = luma * scale - shift;
      }
    }
  }

  /**
   * {@code 1 / (255·std[c])}: a byte to channel {@code c}'s normalised value, with {@link #shift}.
   */
  private static float scale(InputContract contract, int c) {
    return 1f / (255f * contract.std(c));
  }

  /** {@code mean[c] / std[c]}. */
  private static float shift(InputContract contract, int c) {
    return contract.mean(c) / contract.std(c);
  }
}
