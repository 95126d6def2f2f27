package io.vigil.pipeline.control;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Retraining sources that need Fashion-MNIST say which package is missing before any work. */
class LabeledDataInstalledTest {

  @TempDir Path tmp;

  @Test
  void aMissingDatasetIsOneLineNamingThePackage() {
    Path absent = tmp.resolve("fashion-mnist");
    IOException e =
        assertThrows(
            IOException.class,
            () -> LabeledData.checkInstalled(List.of("clip.mp4", " fashion-mnist:train"), absent));
    assertEquals(1, e.getMessage().lines().count(), e.getMessage());
    assertTrue(e.getMessage().startsWith("fashion-mnist:train: " + absent), e.getMessage());
    assertTrue(e.getMessage().contains("dataset-fashion-mnist"), e.getMessage());
  }

  @Test
  void labeledClipsNeedNoPackage() {
    assertDoesNotThrow(
        () -> LabeledData.checkInstalled(List.of("clip.mp4"), tmp.resolve("fashion-mnist")));
  }
}
