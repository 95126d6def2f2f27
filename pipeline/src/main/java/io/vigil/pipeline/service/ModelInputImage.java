package io.vigil.pipeline.service;

import io.vigil.engine.model.InputContract;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.ImageIO;

/**
 * What the model saw of a frame, as a PNG at the model's input size: its input with the contract's
 * normalisation undone ({@code p = round((v·std[c] + mean[c])·255)}, clipped), gray for one
 * channel, RGB for three. The page scales it up itself.
 */
final class ModelInputImage {

  private ModelInputImage() {}

  /**
   * @param pixels {@code contract.size()} bytes, CHW (gray, or R, G, B planes)
   * @return the PNG file's bytes
   */
  static byte[] png(byte[] pixels, InputContract contract) {
    if (pixels.length != contract.size()) {
      throw new IllegalArgumentException(
          "model input image: " + pixels.length + " bytes, expected " + contract.size());
    }
    int w = contract.width();
    int h = contract.height();
    int plane = w * h;
    BufferedImage image;
    if (contract.channels() == 1) {
      image = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
      image.getRaster().setDataElements(0, 0, w, h, pixels.clone());
    } else {
      image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
      int[] rgb = new int[plane];
      for (int i = 0; i < plane; i++) {
        int r = pixels[i] & 0xff;
        int g = pixels[plane + i] & 0xff;
        int b = pixels[2 * plane + i] & 0xff;
        rgb[i] = (r << 16) | (g << 8) | b;
      }
      image.setRGB(0, 0, w, h, rgb, 0, w);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(plane + 256);
    try {
      if (!ImageIO.write(image, "png", out)) {
        throw new IllegalStateException("this Java runtime has no PNG writer");
      }
    } catch (IOException e) {
      // Writing to memory does not fail for I/O reasons.
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
