package io.vigil.pipeline.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vigil.engine.model.InputContract;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** The PNG of a model input holds its pixels exactly, gray or RGB, at the input's size. */
class ModelInputImageTest {

  @Test
  void grayInputIsAGrayPngOfTheSamePixels() throws Exception {
    InputContract gray = new InputContract(1, 3, 5, 0.5f, 0.25f);
    byte[] pixels = new byte[15];
    new Random(1).nextBytes(pixels);
    BufferedImage png = ImageIO.read(new ByteArrayInputStream(ModelInputImage.png(pixels, gray)));
    assertEquals(5, png.getWidth());
    assertEquals(3, png.getHeight());
    for (int y = 0; y < 3; y++) {
      for (int x = 0; x < 5; x++) {
        assertEquals(pixels[y * 5 + x] & 0xff, png.getRaster().getSample(x, y, 0), x + "," + y);
      }
    }
  }

  @Test
  void rgbPlanesBecomeRgbPixels() throws Exception {
    InputContract rgb = new InputContract(3, 2, 4, 0.5f, 0.25f);
    byte[] pixels = new byte[24];
    new Random(2).nextBytes(pixels);
    BufferedImage png = ImageIO.read(new ByteArrayInputStream(ModelInputImage.png(pixels, rgb)));
    for (int y = 0; y < 2; y++) {
      for (int x = 0; x < 4; x++) {
        int at = y * 4 + x;
        int expected =
            (pixels[at] & 0xff) << 16 | (pixels[8 + at] & 0xff) << 8 | (pixels[16 + at] & 0xff);
        assertEquals(expected, png.getRGB(x, y) & 0xffffff, x + "," + y);
      }
    }
  }

  @Test
  void pixelsOfAnotherSizeAreRefused() {
    InputContract gray = new InputContract(1, 3, 5, 0.5f, 0.25f);
    assertThrows(IllegalArgumentException.class, () -> ModelInputImage.png(new byte[14], gray));
  }
}
