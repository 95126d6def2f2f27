package io.vigil.pipeline.registry;

import static io.vigil.pipeline.registry.RegistryFixtures.fineTuned;
import static io.vigil.pipeline.registry.RegistryFixtures.metadata;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The active version, its history, rollback, and that all of it survives reopening. */
class ActivationTest {

  @TempDir Path dir;

  private ModelRegistry registry;
  private String a;
  private String b;
  private String c;

  @BeforeEach
  void publishThree() throws IOException {
    registry = ModelRegistry.open(dir, RegistryFixtures.stepping());
    a = registry.publish(fineTuned(1), metadata(null, 0.80)).version();
    b = registry.publish(fineTuned(2), metadata(a, 0.85)).version();
    c = registry.publish(fineTuned(3), metadata(b, 0.90)).version();
  }

  @Test
  void nothingIsActiveUntilAVersionIsActivated() throws IOException {
    assertEquals(Optional.empty(), registry.active());
    assertEquals(Optional.empty(), registry.rollbackTarget());
    assertEquals(Optional.empty(), ModelRegistry.open(dir).active());
  }

  @Test
  void theActiveVersionSurvivesReopening() throws IOException {
    VersionRecord record = registry.setActive(b);
    assertEquals(b, record.version());
    assertEquals(Optional.of(b), registry.active());
    ModelRegistry reopened = ModelRegistry.open(dir);
    assertEquals(Optional.of(b), reopened.active());
    reopened.setActive(c);
    assertEquals(Optional.of(c), ModelRegistry.open(dir).active());
    assertEquals(Optional.of(b), ModelRegistry.open(dir).rollbackTarget());
    assertEquals(Optional.of(c), registry.active(), "another registry's change is seen");
  }

  @Test
  void twoRollbacksGoTwoStepsBackThenThereIsNothingLeft() throws IOException {
    registry.setActive(a);
    registry.setActive(b);
    registry.setActive(c);
    assertEquals(Optional.of(b), registry.rollbackTarget());

    assertEquals(b, registry.rollBack().version());
    assertEquals(Optional.of(b), registry.active());
    assertEquals(Optional.of(a), registry.rollbackTarget());

    assertEquals(a, ModelRegistry.open(dir).rollBack().version());
    assertEquals(Optional.of(a), registry.active());
    assertEquals(Optional.empty(), registry.rollbackTarget());

    IllegalStateException e = assertThrows(IllegalStateException.class, registry::rollBack);
    assertTrue(e.getMessage().contains("nothing to roll back to"), e.getMessage());
    assertTrue(e.getMessage().contains(a + " is the only version activated"), e.getMessage());
    assertEquals(Optional.of(a), registry.active(), "a refused rollback changes nothing");
  }

  @Test
  void rollbackWithNothingEverActivatedSaysSo() {
    IllegalStateException e = assertThrows(IllegalStateException.class, registry::rollBack);
    assertTrue(e.getMessage().contains("no version was ever activated"), e.getMessage());
  }

  @Test
  void activatingTheActiveVersionAgainKeepsOneEntry() throws IOException {
    registry.setActive(a);
    registry.setActive(b);
    registry.setActive(b);
    assertEquals(a, registry.rollBack().version());
    assertEquals(Optional.empty(), registry.rollbackTarget());
  }

  @Test
  void reactivatingAnOlderVersionRollsBackToTheOneItReplaced() throws IOException {
    registry.setActive(a);
    registry.setActive(b);
    registry.setActive(a);
    assertEquals(Optional.of(b), registry.rollbackTarget());
    assertEquals(b, registry.rollBack().version());
    assertEquals(a, registry.rollBack().version());
  }

  @Test
  void activatingAnUnknownVersionNamesItAndTheKnownOnes() throws IOException {
    registry.setActive(a);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> registry.setActive("nope-1"));
    assertTrue(e.getMessage().contains("unknown version 'nope-1'"), e.getMessage());
    assertTrue(e.getMessage().contains("known: " + a + ", " + b + ", " + c), e.getMessage());
    assertEquals(Optional.of(a), registry.active());
  }

  @Test
  void theHistoryKeepsItsLastEntriesOnly() throws IOException {
    ActivationHistory history = ActivationHistory.EMPTY;
    for (int i = 0; i < ActivationHistory.LIMIT + 11; i++) {
      history = history.activate(i % 2 == 0 ? a : b);
    }
    assertEquals(ActivationHistory.LIMIT, history.versions().size());
    assertEquals(Optional.of(a), history.active());
    assertEquals(Optional.of(b), history.previous());
    Path file = dir.resolve("active.json");
    history.write(file, new RegistryJson());
    assertEquals(history, ActivationHistory.read(file, new RegistryJson()));
    assertEquals(Optional.of(b), ModelRegistry.open(dir).rollbackTarget());
  }

  @Test
  void anActiveFileThatContradictsItselfIsRefusedByOpen() throws IOException {
    registry.setActive(a);
    Files.writeString(
        dir.resolve("active.json"), "{\"active\": \"" + b + "\", \"history\": [\"" + a + "\"]}");
    IOException e = assertThrows(IOException.class, () -> ModelRegistry.open(dir));
    assertTrue(e.getMessage().contains("active.json"), e.getMessage());
    assertTrue(e.getMessage().contains("must agree"), e.getMessage());
  }

  @Test
  void historyOperationsFollowTheirContract() {
    ActivationHistory h = ActivationHistory.EMPTY.activate("x").activate("y");
    assertEquals(List.of("x", "y"), h.versions());
    assertEquals(List.of("x"), h.rolledBack().versions());
    assertThrows(IllegalStateException.class, () -> h.rolledBack().rolledBack());
  }
}
