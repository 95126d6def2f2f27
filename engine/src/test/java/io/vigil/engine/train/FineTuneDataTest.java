package io.vigil.engine.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.engine.data.LabeledImages;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Splitting frames into held-out blocks, and the originals replayed each epoch. */
class FineTuneDataTest {

  /** {@code count} 2×2 frames whose pixels all hold the frame's index (mod 256). */
  private static LabeledImages frames(int count) {
    byte[] pixels = new byte[count * 4];
    int[] labels = new int[count];
    for (int i = 0; i < count; i++) {
      Arrays.fill(pixels, i * 4, i * 4 + 4, (byte) i);
      labels[i] = i % 10;
    }
    return new LabeledImages(count, 2, 2, pixels, labels);
  }

  private static int frameIndex(LabeledImages part, int i) {
    return part.pixels()[i * 4] & 0xFF;
  }

  @Test
  void splitKeepsBlocksWholeAndHoldsOutAboutTheFraction() {
    int blockSize = 7;
    LabeledImages all = frames(200); // 29 blocks, the last of 4 frames
    LabeledImages[] parts = FineTuner.splitHoldout(all, 0.25, blockSize, 3L);
    LabeledImages train = parts[0];
    LabeledImages held = parts[1];

    assertEquals(200, train.count() + held.count());
    Set<Integer> trainBlocks = new HashSet<>();
    Set<Integer> heldBlocks = new HashSet<>();
    Set<Integer> seen = new HashSet<>();
    for (int i = 0; i < train.count(); i++) {
      int f = frameIndex(train, i);
      assertTrue(seen.add(f), "frame " + f + " twice");
      assertEquals(f % 10, train.labels()[i], "label follows its frame");
      trainBlocks.add(f / blockSize);
    }
    for (int i = 0; i < held.count(); i++) {
      int f = frameIndex(held, i);
      assertTrue(seen.add(f), "frame " + f + " twice");
      heldBlocks.add(f / blockSize);
    }
    assertEquals(200, seen.size());
    Set<Integer> both = new HashSet<>(trainBlocks);
    both.retainAll(heldBlocks);
    assertTrue(both.isEmpty(), "blocks split between the parts: " + both);
    assertEquals(Math.round(0.25 * 29), heldBlocks.size());
    // Each part keeps the frames in their order.
    for (int i = 1; i < held.count(); i++) {
      assertTrue(frameIndex(held, i - 1) < frameIndex(held, i));
    }
  }

  @Test
  void splitIsDeterministicInItsSeed() {
    LabeledImages all = frames(120);
    LabeledImages[] a = FineTuner.splitHoldout(all, 0.2, 10, 9L);
    LabeledImages[] b = FineTuner.splitHoldout(all, 0.2, 10, 9L);
    LabeledImages[] c = FineTuner.splitHoldout(all, 0.2, 10, 10L);

    assertArrayEquals(a[1].pixels(), b[1].pixels());
    assertArrayEquals(a[0].labels(), b[0].labels());
    assertFalse(Arrays.equals(a[1].pixels(), c[1].pixels()), "another seed, other blocks");
  }

  @Test
  void splitHoldsOutAtLeastOneBlockAndKeepsOneForTraining() {
    LabeledImages[] tiny = FineTuner.splitHoldout(frames(20), 0.01, 10, 1L);
    assertEquals(10, tiny[1].count());
    LabeledImages[] most = FineTuner.splitHoldout(frames(20), 0.99, 10, 1L);
    assertEquals(10, most[0].count());

    IllegalArgumentException one =
        assertThrows(
            IllegalArgumentException.class, () -> FineTuner.splitHoldout(frames(8), 0.2, 10, 1L));
    assertTrue(one.getMessage().contains("8 frames make 1 block"), one.getMessage());
    assertThrows(
        IllegalArgumentException.class, () -> FineTuner.splitHoldout(frames(40), 0, 10, 1L));
    assertThrows(
        IllegalArgumentException.class, () -> FineTuner.splitHoldout(frames(40), 0.2, 0, 1L));
  }

  @Test
  void eachEpochReplaysOtherOriginalsWhileThePoolLasts() {
    LabeledImages fresh = frames(5);
    LabeledImages pool = frames(100);
    ReplayMix mix = new ReplayMix(fresh, pool, 20, 4, 42L);

    assertEquals(25, mix.count());
    assertEquals(80, mix.distinctReplayed());
    Set<Integer> replayed = new HashSet<>();
    for (int epoch = 1; epoch <= 4; epoch++) {
      LabeledImages set = mix.apply(epoch);
      assertEquals(25, set.count());
      for (int i = 0; i < 5; i++) {
        assertEquals(i, frameIndex(set, i), "the new images come first, every epoch");
      }
      for (int i = 5; i < 25; i++) {
        int f = frameIndex(set, i);
        assertEquals(f % 10, set.labels()[i]);
        assertTrue(replayed.add(f), "original " + f + " replayed twice");
      }
    }
    // The same seed draws the same originals; the draw wraps when the pool runs out.
    ReplayMix again = new ReplayMix(fresh, pool, 20, 4, 42L);
    assertArrayEquals(mix.apply(3).pixels(), again.apply(3).pixels());
    int[] wrapped = ReplayMix.draw(10, 25, 1L);
    assertEquals(10, Arrays.stream(wrapped, 0, 10).distinct().count());
    assertEquals(10, Arrays.stream(wrapped, 10, 20).distinct().count());
    assertNotEquals(
        Arrays.toString(Arrays.copyOfRange(wrapped, 0, 10)),
        Arrays.toString(Arrays.copyOfRange(wrapped, 10, 20)));
  }

  @Test
  void replayNeedsAPoolWithTheNewImagesChannels() {
    LabeledImages gray = frames(5);
    LabeledImages colour = new LabeledImages(3, 3, 2, 2, new byte[36], new int[3]);

    IllegalArgumentException channels =
        assertThrows(IllegalArgumentException.class, () -> new ReplayMix(gray, colour, 2, 1, 1L));
    assertTrue(channels.getMessage().contains("3 channels"), channels.getMessage());
    IllegalArgumentException empty =
        assertThrows(
            IllegalArgumentException.class, () -> new ReplayMix(gray, frames(0), 2, 1, 1L));
    assertTrue(empty.getMessage().contains("pool is empty"), empty.getMessage());
    assertEquals(5, new ReplayMix(gray, frames(0), 0, 3, 1L).apply(2).count());
  }
}
