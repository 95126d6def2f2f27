package io.vigil.pipeline.video;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vigil.engine.model.InputContract;
import io.vigil.pipeline.window.GrayImages;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Frames of widths whose padded rows fool the grabber's channel count (it divides the row stride by
 * the width) still decode as 3-channel BGR with the right pixels.
 */
class NarrowFrameDecodingTest {

  @TempDir Path tmp;

  @Test
  void framesOfEveryWidthComeOutAsThreeChannelsWithTheirPixels() throws Exception {
    // 132 and 80 pixels wide are padded to 192 and 128 pixels: stride / width = 4 and 4.8.
    for (int width : new int[] {60, 80, 132, 200}) {
      int height = 6;
      byte[] picture = new byte[width * height];
      for (int i = 0; i < picture.length; i++) {
        picture[i] = (byte) ((i * 7) % 251);
      }
      Path png = GrayImages.writePng(tmp.resolve("w" + width + ".png"), picture, width, height);
      InputContract asIs = new InputContract(1, height, width, 0, 1);
      try (VideoDecoder decoder = VideoDecoder.open(png);
          FramePreprocessor preprocessor = new FramePreprocessor(asIs)) {
        DecodedFrame frame = decoder.next();
        assertEquals(3, frame.frame().imageChannels, "channels at width " + width);
        float[] pixels = new float[asIs.size()];
        preprocessor.toTensor(frame.frame(), pixels, 0);
        for (int i = 0; i < picture.length; i++) {
          assertEquals(
              (picture[i] & 0xFF) / 255f,
              pixels[i],
              1e-6,
              "width " + width + ", pixel (" + i / width + ", " + i % width + ")");
        }
      }
    }
  }
}
