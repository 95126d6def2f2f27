package io.vigil.pipeline.video;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.engine.data.LabeledImages;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ClipRendererTest {

  /** Two 4×4 images: all 100, and all 200; labels 3 and 5. */
  private static final LabeledImages IMAGES = twoFlatImages();

  private static LabeledImages twoFlatImages() {
    byte[] pixels = new byte[32];
    Arrays.fill(pixels, 0, 16, (byte) 100);
    Arrays.fill(pixels, 16, 32, (byte) 200);
    return new LabeledImages(2, 4, 4, pixels, new int[] {3, 5});
  }

  private static byte[][] render(ClipSpec spec) {
    ClipRenderer r = new ClipRenderer(IMAGES, spec);
    byte[][] frames = new byte[spec.totalFrames()][spec.scale() * spec.scale()];
    for (int i = 0; i < frames.length; i++) {
      r.draw(i, frames[i]);
    }
    return frames;
  }

  @Test
  void withoutMotionTheItemFillsTheFrameAndLabelsFollowItems() {
    ClipSpec spec = ClipSpec.builder().setItems(2).optFramesPerItem(2).optScale(16).build();
    byte[][] frames = render(spec);
    for (byte b : frames[1]) {
      assertEquals(100, b & 0xFF);
    }
    for (byte b : frames[2]) {
      assertEquals(200, b & 0xFF);
    }
    ClipRenderer r = new ClipRenderer(IMAGES, spec);
    assertEquals(3, r.labelOf(1));
    assertEquals(5, r.labelOf(2));
  }

  @Test
  void brightnessMultipliesAndClipsAtWhite() {
    ClipSpec spec =
        ClipSpec.builder().setItems(2).optFramesPerItem(1).optScale(16).optBrightness(1.5).build();
    byte[][] frames = render(spec);
    assertEquals(150, frames[0][0] & 0xFF);
    assertEquals(255, frames[1][0] & 0xFF);
  }

  @Test
  void motionDriftsTheItemOnABlackCanvas() {
    ClipSpec spec =
        ClipSpec.builder()
            .setItems(2)
            .optFramesPerItem(8)
            .optScale(32)
            .optMotion(6)
            .optSeed(3)
            .build();
    byte[][] frames = render(spec);
    boolean moved = false;
    for (int i = 0; i < frames.length; i++) {
      int lit = 0;
      for (byte b : frames[i]) {
        lit += b != 0 ? 1 : 0;
      }
      assertEquals(20 * 20, lit, "the item is 32 − 2·6 = 20 pixels square, wholly inside");
      moved |= i % 8 != 0 && !Arrays.equals(frames[i], frames[i - 1]);
    }
    assertTrue(moved, "seed 3 draws different start and end offsets");
  }

  @Test
  void theSameSeedGivesTheSamePixelsAndAnotherSeedOtherNoise() {
    ClipSpec.Builder b =
        ClipSpec.builder().setItems(2).optFramesPerItem(2).optScale(16).optNoise(0.1);
    byte[][] one = render(b.optSeed(1).build());
    byte[][] again = render(b.optSeed(1).build());
    byte[][] other = render(b.optSeed(2).build());
    for (int i = 0; i < one.length; i++) {
      assertArrayEquals(one[i], again[i]);
    }
    assertFalse(Arrays.equals(one[0], other[0]));
    double mean = 0;
    for (byte v : one[0]) {
      mean += v & 0xFF;
    }
    assertEquals(100, mean / one[0].length, 5, "zero-mean noise around the item's 100");
  }
}
