package io.vigil.pipeline.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.util.List;
import org.junit.jupiter.api.Test;

/** vigil.registry.accept-classes: lists of class names, or a clear refusal. */
class SlotSettingsTest {

  @Test
  void listsOfNamesAreReadAndAnythingElseIsRefusedByKey() {
    assertEquals(
        List.of(List.of("a", "b"), List.of("c")),
        SlotSettings.acceptedClassLists(
            ConfigFactory.parseString("vigil.registry.accept-classes = [[a, b], [c]]")));
    assertEquals(List.of(), SlotSettings.acceptedClassLists(ConfigFactory.empty()));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                SlotSettings.acceptedClassLists(
                    ConfigFactory.parseString("vigil.registry.accept-classes = [a, b]")));
    assertTrue(e.getMessage().contains("vigil.registry.accept-classes"), e.getMessage());
  }
}
