package io.vigil.engine.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class InputContractTest {

  private static final float[] IMAGENET_MEAN = {0.485f, 0.456f, 0.406f};
  private static final float[] IMAGENET_STD = {0.229f, 0.224f, 0.225f};

  @Test
  void perChannelContractGivesEachChannelItsOwnValues() {
    InputContract c = InputContract.perChannel(3, 224, 224, IMAGENET_MEAN, IMAGENET_STD);
    assertFalse(c.uniform());
    for (int ch = 0; ch < 3; ch++) {
      assertEquals(IMAGENET_MEAN[ch], c.mean(ch));
      assertEquals(IMAGENET_STD[ch], c.std(ch));
      assertEquals((0.75f - IMAGENET_MEAN[ch]) / IMAGENET_STD[ch], c.normalise(ch, 0.75f), 1e-6f);
    }
    assertArrayEquals(IMAGENET_MEAN, c.means());
    assertArrayEquals(IMAGENET_STD, c.stds());
    assertEquals(3 * 224 * 224, c.size());
  }

  @Test
  void scalarAccessorsOfAPerChannelContractSayToAskPerChannel() {
    InputContract c = InputContract.perChannel(3, 8, 8, IMAGENET_MEAN, IMAGENET_STD);
    IllegalStateException mean = assertThrows(IllegalStateException.class, c::mean);
    assertTrue(mean.getMessage().contains("mean(channel)"), mean.getMessage());
    IllegalStateException std = assertThrows(IllegalStateException.class, c::std);
    assertTrue(std.getMessage().contains("std(channel)"), std.getMessage());
    assertThrows(IllegalStateException.class, () -> c.normalise(0.5f));
  }

  @Test
  void equalValuesPerChannelMakeTheUniformContract() {
    InputContract uniform = new InputContract(3, 4, 5, 0.5f, 0.25f);
    InputContract spread =
        InputContract.perChannel(3, 4, 5, new float[] {0.5f}, new float[] {0.25f});
    InputContract repeated =
        InputContract.perChannel(
            3, 4, 5, new float[] {0.5f, 0.5f, 0.5f}, new float[] {0.25f, 0.25f, 0.25f});
    assertTrue(spread.uniform());
    assertEquals(uniform, spread);
    assertEquals(uniform, repeated);
    assertEquals(uniform.hashCode(), repeated.hashCode());
    assertEquals(0.5f, repeated.mean());
    assertEquals(0.25f, repeated.std(2));
    assertEquals(uniform.toString(), repeated.toString());
    assertEquals(
        "InputContract[channels=3, height=4, width=5, mean=0.5, std=0.25]", uniform.toString());
  }

  @Test
  void perChannelContractsCompareByValueAndKeepTheirValuesToThemselves() {
    float[] mean = IMAGENET_MEAN.clone();
    InputContract a = InputContract.perChannel(3, 8, 8, mean, IMAGENET_STD);
    InputContract b = InputContract.perChannel(3, 8, 8, IMAGENET_MEAN, IMAGENET_STD);
    mean[0] = 0f;
    assertEquals(a, b);
    assertEquals(a.hashCode(), b.hashCode());
    assertEquals(0.485f, a.mean(0));
    assertThrows(UnsupportedOperationException.class, () -> a.channelMeans().set(0, 1f));
    assertTrue(a.toString().contains("mean=[0.485, 0.456, 0.406]"), a.toString());
    assertFalse(a.equals(InputContract.perChannel(3, 8, 8, IMAGENET_MEAN, new float[] {0.2f})));
  }

  @Test
  void withSizeKeepsTheNormalisation() {
    InputContract c = InputContract.perChannel(3, 8, 8, IMAGENET_MEAN, IMAGENET_STD);
    InputContract wide = c.withSize(16, 32);
    assertEquals(16, wide.height());
    assertEquals(32, wide.width());
    assertArrayEquals(IMAGENET_MEAN, wide.means());
    assertArrayEquals(IMAGENET_STD, wide.stds());
  }

  @Test
  void toBytesUndoesEachChannelsNormalisation() {
    InputContract c = InputContract.perChannel(3, 1, 2, IMAGENET_MEAN, IMAGENET_STD);
    int[] pixels = {0, 255, 10, 200, 128, 37};
    float[] input = new float[pixels.length];
    for (int i = 0; i < pixels.length; i++) {
      input[i] = c.normalise(i / 2, pixels[i] / 255f);
    }
    byte[] out = new byte[pixels.length + 1];
    c.toBytes(input, 0, out, 1);
    for (int i = 0; i < pixels.length; i++) {
      assertEquals(pixels[i], out[1 + i] & 0xFF, "pixel " + i);
    }
  }

  @Test
  void rejectsWhatNormalisesNothing() {
    IllegalArgumentException length =
        assertThrows(
            IllegalArgumentException.class,
            () -> InputContract.perChannel(3, 8, 8, new float[] {0.1f, 0.2f}, IMAGENET_STD));
    assertTrue(length.getMessage().contains("got 2"), length.getMessage());
    IllegalArgumentException std =
        assertThrows(
            IllegalArgumentException.class,
            () -> InputContract.perChannel(3, 8, 8, IMAGENET_MEAN, new float[] {0.2f, 0f, 0.2f}));
    assertTrue(std.getMessage().contains("std must be positive"), std.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> InputContract.perChannel(3, 8, 8, new float[] {Float.NaN}, new float[] {1f}));
    IllegalArgumentException both =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new InputContract(
                    3, 8, 8, 0.5f, 0.5f, List.of(0.1f, 0.2f, 0.3f), List.of(1f, 1f, 1f)));
    assertTrue(both.getMessage().contains("not both"), both.getMessage());
    assertThrows(IndexOutOfBoundsException.class, () -> new InputContract(1, 2, 2, 0f, 1f).mean(1));
  }
}
