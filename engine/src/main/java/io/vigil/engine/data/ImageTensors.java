package io.vigil.engine.data;

import io.vigil.engine.model.InputContract;

/**
 * Turns IDX images into the floats a model expects: each byte scaled to [0, 1], then {@code (p −
 * mean)/std} per the {@link InputContract}, written CHW. A 3-channel contract gets the gray image
 * replicated into R, G and B.
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
    int plane = images.imageSize();
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
    int src = index * plane;
    float scale = 1f / (255f * contract.std());
    float shift = contract.mean() / contract.std();
    for (int i = 0; i < plane; i++) {
      dst[offset + i] = (pixels[src + i] & 0xFF) * scale - shift;
    }
    for (int c = 1; c < contract.channels(); c++) {
      System.arraycopy(dst, offset, dst, offset + c * plane, plane);
    }
  }
}
