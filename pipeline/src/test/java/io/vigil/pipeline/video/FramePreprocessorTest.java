package io.vigil.pipeline.video;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.engine.model.InputContract;
import io.vigil.pipeline.result.RegionOfInterest;
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

  private static final float[] IMAGENET_MEAN = {0.485f, 0.456f, 0.406f};
  private static final float[] IMAGENET_STD = {0.229f, 0.224f, 0.225f};

  @Test
  void perChannelContractNormalisesEachPlaneWithItsOwnMeanAndStd() {
    InputContract contract = InputContract.perChannel(3, 6, 8, IMAGENET_MEAN, IMAGENET_STD);
    // Stored B, G, R = 10, 100, 200; shrunk 2:1, so every path of the resize is taken.
    try (Frame f = frame(16, 12, 3, (x, y, c) -> new int[] {10, 100, 200}[c]);
        FramePreprocessor p = new FramePreprocessor(contract)) {
      float[] out = new float[contract.size() + 2];
      p.toTensor(f, out, 2);
      int plane = 6 * 8;
      int[] rgb = {200, 100, 10};
      for (int c = 0; c < 3; c++) {
        float expected = (rgb[c] / 255f - IMAGENET_MEAN[c]) / IMAGENET_STD[c];
        for (int i = 0; i < plane; i++) {
          assertEquals(expected, out[2 + c * plane + i], EXACT, "plane " + c + " float " + i);
        }
      }
    }
  }

  @Test
  void perChannelContractOnAGrayFrameAndOnLetterboxBars() {
    InputContract contract = InputContract.perChannel(3, 4, 4, IMAGENET_MEAN, IMAGENET_STD);
    // A gray 8×4 frame letterboxed into 4×4: rows 0 and 3 are bars of 50, rows 1 and 2 the image.
    try (Frame f = frame(8, 4, 1, (x, y, c) -> 180);
        FramePreprocessor p = new FramePreprocessor(contract, letterbox(50), "gray")) {
      float[] out = new float[contract.size()];
      p.toTensor(f, out, 0);
      for (int c = 0; c < 3; c++) {
        for (int y = 0; y < 4; y++) {
          int value = y == 0 || y == 3 ? 50 : 180;
          float expected = (value / 255f - IMAGENET_MEAN[c]) / IMAGENET_STD[c];
          for (int x = 0; x < 4; x++) {
            assertEquals(
                expected, out[c * 16 + y * 4 + x], EXACT, "plane " + c + " pixel " + x + "," + y);
          }
        }
      }
    }
  }

  /** The float that pixel value {@code p} becomes under {@code contract}. */
  private static float normalised(InputContract contract, int p) {
    return (p / 255f - contract.mean()) / contract.std();
  }

  private static Preprocessing letterbox(int fill) {
    return Preprocessing.STRETCH.withResize(ResizeMode.LETTERBOX).withFill(fill);
  }

  @Test
  void letterboxOfAWideFramePutsFillBarsAboveAndBelow() {
    // 8×4 into 4×4: scaled by 1/2 to 4×2, centred, one row of fill above and below.
    InputContract contract = new InputContract(1, 4, 4, 0f, 1f);
    try (Frame f = frame(8, 4, 1, (x, y, c) -> x < 4 ? 200 : 100);
        FramePreprocessor p = new FramePreprocessor(contract, letterbox(50), "wide")) {
      float[] out = new float[contract.size()];
      p.toTensor(f, out, 0);
      int[][] expected = {
        {50, 50, 50, 50},
        {200, 200, 100, 100},
        {200, 200, 100, 100},
        {50, 50, 50, 50}
      };
      for (int y = 0; y < 4; y++) {
        for (int x = 0; x < 4; x++) {
          assertEquals(expected[y][x] / 255f, out[y * 4 + x], EXACT, "pixel " + x + "," + y);
        }
      }
    }
  }

  @Test
  void letterboxOfATallBgrFramePutsBarsLeftAndRightWithTheOddPixelOnTheRight() {
    // 4×6 into 5×3: scaled by 1/2 to 2×3; 3 columns of padding, 1 on the left and 2 on the right.
    InputContract contract = new InputContract(3, 3, 5, 0.5f, 0.25f);
    try (Frame f = frame(4, 6, 3, (x, y, c) -> new int[] {10, 100, 200}[c]);
        FramePreprocessor p = new FramePreprocessor(contract, letterbox(128), "tall")) {
      float[] out = new float[contract.size()];
      p.toTensor(f, out, 0);
      int[] rgb = {200, 100, 10};
      for (int c = 0; c < 3; c++) {
        for (int y = 0; y < 3; y++) {
          for (int x = 0; x < 5; x++) {
            int value = x == 1 || x == 2 ? rgb[c] : 128;
            assertEquals(
                normalised(contract, value),
                out[c * 15 + y * 5 + x],
                EXACT,
                "plane " + c + " pixel " + x + "," + y);
          }
        }
      }
    }
  }

  @Test
  void letterboxOfAFrameWithTheInputsAspectRatioIsAPlainResize() {
    InputContract contract = new InputContract(1, 2, 4, 0f, 1f);
    try (Frame f = frame(8, 4, 1, (x, y, c) -> 16 * x);
        FramePreprocessor p = new FramePreprocessor(contract, letterbox(255), "same");
        FramePreprocessor stretch = new FramePreprocessor(contract)) {
      float[] boxed = new float[contract.size()];
      float[] stretched = new float[contract.size()];
      p.toTensor(f, boxed, 0);
      stretch.toTensor(f, stretched, 0);
      assertArrayEquals(stretched, boxed, "no bars when the aspect ratios agree");
    }
  }

  @Test
  void aRegionOfInterestIsCutOutBeforeResizing() {
    // Pixel (x, y) = 10·y + x; the region starts at column 2, row 3, 4 wide and 2 high: at the
    // contract's size, so its pixels come through unchanged.
    InputContract contract = new InputContract(1, 2, 4, 0f, 1f);
    Preprocessing roi = Preprocessing.STRETCH.withRoi(new RegionOfInterest(2, 3, 4, 2));
    try (Frame f = frame(8, 8, 1, (x, y, c) -> 10 * y + x);
        FramePreprocessor p = new FramePreprocessor(contract, roi, "cam")) {
      float[] out = new float[contract.size()];
      p.toTensor(f, out, 0);
      for (int y = 0; y < 2; y++) {
        for (int x = 0; x < 4; x++) {
          assertEquals(
              (10 * (y + 3) + (x + 2)) / 255f, out[y * 4 + x], EXACT, "pixel " + x + "," + y);
        }
      }
    }
  }

  @Test
  void aRegionOfInterestIsShrunkAndLetterboxedFromItsOwnPixelsOnly() {
    // A 16×8 frame, 0 outside the region (x 4..11, y 2..5) and 240 / 80 in its left / right
    // halves. The 8×4 region letterboxed into 4×4: 4×2 inside bars of fill 30; only the region's
    // pixels are averaged, so no 0 from outside leaks in.
    InputContract contract = new InputContract(1, 4, 4, 0f, 1f);
    Preprocessing p = letterbox(30).withRoi(new RegionOfInterest(4, 2, 8, 4));
    try (Frame f =
            frame(16, 8, 1, (x, y, c) -> x < 4 || x > 11 || y < 2 || y > 5 ? 0 : x < 8 ? 240 : 80);
        FramePreprocessor pre = new FramePreprocessor(contract, p, "cam")) {
      float[] out = new float[contract.size()];
      pre.toTensor(f, out, 0);
      int[][] expected = {
        {30, 30, 30, 30},
        {240, 240, 80, 80},
        {240, 240, 80, 80},
        {30, 30, 30, 30}
      };
      for (int y = 0; y < 4; y++) {
        for (int x = 0; x < 4; x++) {
          assertEquals(expected[y][x] / 255f, out[y * 4 + x], EXACT, "pixel " + x + "," + y);
        }
      }
    }
  }

  @Test
  void aRegionOfInterestOutsideTheFrameIsRejectedNamingTheStreamAndTheNumbers() {
    InputContract contract = new InputContract(1, 2, 2, 0f, 1f);
    Preprocessing roi = Preprocessing.STRETCH.withRoi(new RegionOfInterest(6, 0, 4, 2));
    try (Frame f = frame(8, 8, 1, (x, y, c) -> 0);
        FramePreprocessor p = new FramePreprocessor(contract, roi, "lobby")) {
      RegionOfInterest.RegionOutsideFrameException e =
          assertThrows(
              RegionOfInterest.RegionOutsideFrameException.class,
              () -> p.toTensor(f, new float[4], 0));
      assertEquals(
          "lobby: region of interest x=6 y=0 width=4 height=2 does not fit in the 8×8 frame"
              + " (x + width = 10 > frame width 8)",
          e.getMessage());
    }
  }

  @Test
  void anotherFrameOrAnotherSizeIsCutAndLetterboxedAfresh() {
    // The region's view and the letterbox layout are kept between calls: a frame with other
    // pixels, and then one of another shape, must not be served from what was kept.
    InputContract contract = new InputContract(1, 4, 4, 0f, 1f);
    try (Frame first = frame(8, 4, 1, (x, y, c) -> 60);
        Frame second = frame(8, 4, 1, (x, y, c) -> 90);
        Frame tall = frame(4, 8, 1, (x, y, c) -> 120);
        FramePreprocessor p = new FramePreprocessor(contract, letterbox(0), "cam");
        FramePreprocessor cut =
            new FramePreprocessor(
                new InputContract(1, 2, 2, 0f, 1f),
                Preprocessing.STRETCH.withRoi(new RegionOfInterest(1, 1, 2, 2)),
                "cam")) {
      float[] out = new float[contract.size()];
      p.toTensor(first, out, 0);
      assertEquals(60 / 255f, out[4], EXACT);
      p.toTensor(second, out, 0);
      assertEquals(90 / 255f, out[4], EXACT, "the second frame's pixels");
      assertEquals(0f, out[0], EXACT, "bar above");
      p.toTensor(tall, out, 0);
      // 4×8 into 4×4: 2×4 with bars left and right now, none above.
      assertEquals(0f, out[0], EXACT, "bar left");
      assertEquals(120 / 255f, out[1], EXACT, "picture in row 0");
      assertEquals(0f, out[3], EXACT, "bar right");

      float[] small = new float[4];
      cut.toTensor(first, small, 0);
      assertEquals(60 / 255f, small[0], EXACT);
      cut.toTensor(second, small, 0);
      assertEquals(90 / 255f, small[0], EXACT, "the region of the second frame");
    }
  }

  @Test
  void nativeObjectsDoNotAccumulateFrameAfterFrame() {
    // Every JavaCPP object that owns native memory (a Mat, a region's view, a Size) registers a
    // deallocator, and Pointer.totalCount() counts those alive. With letterbox, a region and the
    // RGB conversion together, 200 more frames may not leave any more of them alive (a little
    // slack for other threads of the test JVM); a view or image made per frame and not freed would
    // add 200.
    InputContract contract = new InputContract(3, 16, 16, 0f, 1f);
    Preprocessing p = letterbox(0).withRoi(new RegionOfInterest(8, 4, 48, 24));
    try (Frame f = frame(64, 48, 3, (x, y, c) -> (x + y + c) & 0xff);
        FramePreprocessor pre = new FramePreprocessor(contract, p, "cam")) {
      float[] out = new float[contract.size()];
      pre.toTensor(f, out, 0);
      long before = org.bytedeco.javacpp.Pointer.totalCount();
      for (int i = 0; i < 200; i++) {
        pre.toTensor(f, out, 0);
      }
      long after = org.bytedeco.javacpp.Pointer.totalCount();
      assertTrue(after - before < 20, "native objects left alive: " + (after - before));
    }
  }
}
