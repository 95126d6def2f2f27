package io.vigil.pipeline.video;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vigil.engine.data.Appearance;
import org.junit.jupiter.api.Test;

class ClipSpecTest {

  @Test
  void builderDefaultsAndRequiredItems() {
    ClipSpec spec = ClipSpec.builder().setItems(3).build();
    assertEquals(
        new ClipSpec(3, 0, 5, 112, 10, 0, 1, 0, 0, Appearance.NONE, -1, Appearance.NONE), spec);
    assertEquals(15, spec.totalFrames());
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> ClipSpec.builder().build());
    assertEquals("clip spec: items is required (call setItems)", e.getMessage());
  }

  @Test
  void outOfRangeValuesAreNamed() {
    assertEquals(
        "clip spec: scale must be an even number of pixels from 16 to 4096, got 57",
        assertThrows(
                IllegalArgumentException.class,
                () -> ClipSpec.builder().setItems(1).optScale(57).build())
            .getMessage());
    assertEquals(
        "clip spec: motion must be from 0 to 24 pixels at scale 56 (the item is drawn at scale −"
            + " 2·motion), got 25",
        assertThrows(
                IllegalArgumentException.class,
                () -> ClipSpec.builder().setItems(1).optScale(56).optMotion(25).build())
            .getMessage());
  }

  @Test
  void aChangeSwitchesTheAppearanceFromItsFrameOn() {
    ClipSpec spec =
        ClipSpec.builder()
            .setItems(4)
            .optFramesPerItem(3)
            .optAppearance(Appearance.CONTRAST)
            .optChange(7, Appearance.INVERTED)
            .build();
    assertEquals(Appearance.CONTRAST, spec.appearanceAt(6));
    assertEquals(Appearance.INVERTED, spec.appearanceAt(7));
    assertEquals(Appearance.INVERTED, spec.appearanceAt(11));
    ClipSpec steady = ClipSpec.builder().setItems(4).optAppearance(Appearance.BLURRED).build();
    assertEquals(ClipSpec.NO_CHANGE, steady.changeAtFrame());
    assertEquals(Appearance.BLURRED, steady.changedAppearance());
    assertEquals(Appearance.BLURRED, steady.appearanceAt(19));
  }

  @Test
  void aChangeOutsideTheClipOrWithoutAFrameIsRefused() {
    assertEquals(
        "clip spec: changeAtFrame 12 is past the last frame: the clip has 12 frames (0 to 11)",
        assertThrows(
                IllegalArgumentException.class,
                () ->
                    ClipSpec.builder()
                        .setItems(4)
                        .optFramesPerItem(3)
                        .optChange(12, Appearance.INVERTED)
                        .build())
            .getMessage());
    assertEquals(
        "clip spec: changeAtFrame must be a frame (from 0) or -1 for no change, got -2",
        assertThrows(
                IllegalArgumentException.class,
                () -> ClipSpec.builder().setItems(4).optChange(-2, Appearance.INVERTED).build())
            .getMessage());
    assertEquals(
        "clip spec: changedAppearance inverted is given without a change (changeAtFrame = -1);"
            + " it must then equal appearance none",
        assertThrows(
                IllegalArgumentException.class,
                () ->
                    new ClipSpec(
                        1, 0, 1, 16, 10, 0, 1, 0, 0, Appearance.NONE, -1, Appearance.INVERTED))
            .getMessage());
  }
}
