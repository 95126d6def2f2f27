package io.vigil.pipeline.video;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ClipSpecTest {

  @Test
  void builderDefaultsAndRequiredItems() {
    ClipSpec spec = ClipSpec.builder().setItems(3).build();
    assertEquals(new ClipSpec(3, 0, 5, 112, 10, 0, 1, 0, 0), spec);
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
}
