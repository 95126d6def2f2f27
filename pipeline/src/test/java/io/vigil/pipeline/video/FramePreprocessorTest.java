package io.vigil.pipeline.video;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.engine.model.InputContract;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.bytedeco.javacv.Frame;
import org.junit.jupiter.api.Test;

class FramePreprocessorTest {

  private static final float EXACT = 1e-6f;

  /** An 8-bit frame whose pixel (x, y), channel c is {@code value.at(x, y, c)}. */
  private static Frame frame(int width, int height, int channels, PixelValue value) {
    Frame frame = new Frame(width, height, Frame.DEPTH_UBYTE, channels);
    ByteBuffer pixels = (ByteBuffer) frame.image[0];
    // Fill the row padding too, with a value no test expects, so reading it would show.
    for (int i = 0; i < pixels.capacity(); i++) {
      pixels.put(i, (byte) 77);
    }
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        for (int c = 0; c < channels; c++) {
          pixels.put(y * frame.imageStride + x * channels + c, (byte) value.at(x, y, c));
        }
      }
    }
    return frame;
  }

  private interface PixelValue {
    int at(int x, int y, int c);
  }

  @Test
  void halfWhiteGrayFrameAtContractSizeGivesExactNormalisedValues() {
    InputContract contract = new InputContract(1, 4, 10, 0.5f, 0.25f);
    // Width 10 makes the frame's rows padded (stride 16): the padding must not be read.
    try (Frame f = frame(10, 4, 1, (x, y, c) -> x < 5 ? 255 : 0);
        FramePreprocessor p = new FramePreprocessor(contract)) {
      assertTrue(f.imageStride > 10, "the test needs padded rows, stride " + f.imageStride);
      float[] out = new float[contract.size()];
      p.toTensor(f, out, 0);
      for (int y = 0; y < 4; y++) {
        for (int x = 0; x < 10; x++) {
          float expected = x < 5 ? (1 - 0.5f) / 0.25f : (0 - 0.5f) / 0.25f;
          assertEquals(expected, out[y * 10 + x], EXACT, "pixel " + x + "," + y);
        }
      }
    }
  }

  @Test
  void shrinkingAveragesWithInterArea() {
    // A horizontal gradient 0, 16, 32, ... over 16 columns, halved: each output is a pair's mean.
    InputContract contract = new InputContract(1, 2, 8, 0f, 1f);
    try (Frame f = frame(16, 4, 1, (x, y, c) -> 16 * x);
        FramePreprocessor p = new FramePreprocessor(contract)) {
      float[] out = new float[contract.size()];
      p.toTensor(f, out, 0);
      for (int y = 0; y < 2; y++) {
        for (int x = 0; x < 8; x++) {
          float expected = (16 * (2 * x) + 16 * (2 * x + 1)) / 2f / 255f;
          assertEquals(expected, out[y * 8 + x], EXACT, "column " + x);
        }
      }
    }
  }

  @Test
  void bgrFrameBecomesRgbPlanesInThatOrder() {
    InputContract contract = new InputContract(3, 12, 16, 0f, 1f);
    // Stored B, G, R = 10, 100, 200 as the grabber delivers; the contract wants R, G, B planes.
    try (Frame f = frame(64, 48, 3, (x, y, c) -> new int[] {10, 100, 200}[c]);
        FramePreprocessor p = new FramePreprocessor(contract)) {
      float[] out = new float[contract.size()];
      p.toTensor(f, out, 0);
      int plane = 12 * 16;
      for (int i = 0; i < plane; i++) {
        assertEquals(200 / 255f, out[i], EXACT, "R plane");
        assertEquals(100 / 255f, out[plane + i], EXACT, "G plane");
        assertEquals(10 / 255f, out[2 * plane + i], EXACT, "B plane");
      }
    }
  }

  @Test
  void bgraFrameIgnoresAlphaAndGrayFrameFillsAllThreePlanes() {
    InputContract contract = new InputContract(3, 8, 8, 0f, 1f);
    try (Frame bgra = frame(8, 8, 4, (x, y, c) -> new int[] {30, 60, 90, 0}[c]);
        Frame gray = frame(4, 4, 1, (x, y, c) -> 51);
        FramePreprocessor p = new FramePreprocessor(contract)) {
      float[] out = new float[contract.size()];
      p.toTensor(bgra, out, 0);
      assertEquals(90 / 255f, out[0], EXACT);
      assertEquals(60 / 255f, out[64], EXACT);
      assertEquals(30 / 255f, out[128], EXACT);
      // Enlarging a uniform 4×4 gray frame, then the same preprocessor again: sizes may change.
      p.toTensor(gray, out, 0);
      for (int i = 0; i < out.length; i++) {
        assertEquals(51 / 255f, out[i], EXACT, "float " + i);
      }
    }
  }

  @Test
  void colourToGrayUsesLuminanceWeights() {
    InputContract contract = new InputContract(1, 6, 6, 0f, 1f);
    try (Frame f = frame(24, 24, 3, (x, y, c) -> new int[] {10, 100, 200}[c]);
        FramePreprocessor p = new FramePreprocessor(contract)) {
      float[] out = new float[contract.size()];
      p.toTensor(f, out, 0);
      float luminance = (0.299f * 200 + 0.587f * 100 + 0.114f * 10) / 255f;
      for (float v : out) {
        assertEquals(luminance, v, 1 / 255f);
      }
    }
  }

  @Test
  void writesOnlyItsSliceOfTheDestination() {
    InputContract contract = new InputContract(1, 2, 2, 0f, 1f);
    try (Frame f = frame(2, 2, 1, (x, y, c) -> 255);
        FramePreprocessor p = new FramePreprocessor(contract)) {
      float[] out = new float[10];
      Arrays.fill(out, -7f);
      p.toTensor(f, out, 3);
      assertEquals(-7f, out[2]);
      assertEquals(1f, out[3]);
      assertEquals(1f, out[6]);
      assertEquals(-7f, out[7]);
    }
  }

  @Test
  void rejectsWhatItCannotConvert() {
    InputContract contract = new InputContract(1, 2, 2, 0f, 1f);
    try (Frame twoChannels = frame(2, 2, 2, (x, y, c) -> 0);
        Frame ok = frame(2, 2, 1, (x, y, c) -> 0);
        FramePreprocessor p = new FramePreprocessor(contract)) {
      IllegalArgumentException channels =
          assertThrows(
              IllegalArgumentException.class, () -> p.toTensor(twoChannels, new float[4], 0));
      assertTrue(channels.getMessage().contains("got 2"), channels.getMessage());
      IllegalArgumentException room =
          assertThrows(IllegalArgumentException.class, () -> p.toTensor(ok, new float[5], 2));
      assertTrue(room.getMessage().contains("do not fit from offset 2"), room.getMessage());
      p.close();
      assertThrows(IllegalStateException.class, () -> p.toTensor(ok, new float[4], 0));
    }
  }
}
