package io.vigil.pipeline.video;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.engine.data.Appearance;
import io.vigil.engine.data.FashionMnist;
import io.vigil.engine.data.LabeledImages;
import java.io.IOException;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

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
    return render(IMAGES, spec);
  }

  private static byte[][] render(LabeledImages images, ClipSpec spec) {
    ClipRenderer r = new ClipRenderer(images, spec);
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

  /** Three Fashion-MNIST test images: real shapes, so rotations, blurs and shifts show. */
  private static LabeledImages fashion() throws IOException {
    return FashionMnist.test(FashionMnist.DEFAULT_DIR).head(3);
  }

  /** Image {@code index} of {@code images} as {@code appearance} changes it. */
  private static byte[] changed(LabeledImages images, int index, Appearance a, Random random) {
    byte[] item = Arrays.copyOfRange(images.pixels(), index * 784, (index + 1) * 784);
    a.apply(item, 0, 1, 28, 28, random);
    return item;
  }

  @ParameterizedTest
  @EnumSource(Appearance.class)
  void framesShowTheAppearanceOfTheSourceImageScaledUp(Appearance appearance) throws IOException {
    LabeledImages images = fashion();
    ClipSpec spec =
        ClipSpec.builder()
            .setItems(3)
            .optFramesPerItem(2)
            .optScale(56)
            .optSeed(11)
            .optAppearance(appearance)
            .build();
    byte[][] frames = render(images, spec);
    // The renderer's draws, in its documented order: per item four for the motion (a range of
    // one value without motion), then the appearance's own.
    Random random = new Random(11);
    boolean differsFromSource = false;
    for (int item = 0; item < 3; item++) {
      for (int draw = 0; draw < 4; draw++) {
        random.nextInt(1);
      }
      byte[] expected = changed(images, item, appearance, random);
      differsFromSource |= !Arrays.equals(expected, changed(images, item, Appearance.NONE, null));
      for (int frame = 2 * item; frame < 2 * item + 2; frame++) {
        for (int y = 0; y < 56; y++) {
          for (int x = 0; x < 56; x++) {
            assertEquals(
                expected[(y / 2) * 28 + x / 2],
                frames[frame][y * 56 + x],
                appearance + ": frame " + frame + " pixel (" + y + ", " + x + ")");
          }
        }
      }
    }
    assertEquals(appearance != Appearance.NONE, differsFromSource, appearance.cliName());
  }

  @Test
  void theSceneChangesExactlyAtTheChangeFrameEvenInsideAnItem() throws IOException {
    LabeledImages images = fashion();
    ClipSpec spec =
        ClipSpec.builder()
            .setItems(3)
            .optFramesPerItem(4)
            .optScale(28)
            .optChange(6, Appearance.INVERTED)
            .build();
    byte[][] frames = render(images, spec);
    for (int frame = 0; frame < 12; frame++) {
      Appearance expected = frame < 6 ? Appearance.NONE : Appearance.INVERTED;
      assertArrayEquals(
          changed(images, frame / 4, expected, null), frames[frame], "frame " + frame);
    }
    ClipRenderer r = new ClipRenderer(images, spec);
    assertEquals(images.labels()[1], r.labelOf(5));
    assertEquals(images.labels()[1], r.labelOf(6), "the label does not change with the scene");
  }

  @Test
  void darkNoiseIsPartOfTheItemAndFollowsTheSeed() throws IOException {
    LabeledImages images = fashion();
    ClipSpec.Builder b =
        ClipSpec.builder()
            .setItems(3)
            .optFramesPerItem(3)
            .optScale(28)
            .optAppearance(Appearance.DARK_NOISE);
    byte[][] one = render(images, b.optSeed(4).build());
    byte[][] again = render(images, b.optSeed(4).build());
    byte[][] other = render(images, b.optSeed(5).build());
    for (int i = 0; i < one.length; i++) {
      assertArrayEquals(one[i], again[i], "frame " + i);
    }
    assertArrayEquals(one[0], one[2], "the same noise on every frame of an item");
    assertFalse(Arrays.equals(one[0], other[0]), "another seed, other noise");
  }
}
