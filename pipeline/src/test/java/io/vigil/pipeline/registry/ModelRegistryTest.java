package io.vigil.pipeline.registry;

import static io.vigil.pipeline.registry.RegistryFixtures.fineTuned;
import static io.vigil.pipeline.registry.RegistryFixtures.metadata;
import static io.vigil.pipeline.registry.RegistryFixtures.shipped;
import static io.vigil.pipeline.registry.RegistryFixtures.stepping;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.engine.backend.cpu.CpuBackend;
import io.vigil.engine.model.Model;
import io.vigil.engine.model.ModelFileException;
import io.vigil.engine.model.Predictor;
import io.vigil.pipeline.analyze.TestModels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Publishing, listing, finding and loading versions; what a crash or a damaged file leaves. */
class ModelRegistryTest {

  @TempDir Path dir;

  @Test
  void publishedVersionsListFindAndLoadBack() throws IOException {
    ModelRegistry registry = ModelRegistry.open(dir, stepping());
    Model original = shipped();
    Model tuned = fineTuned(1);
    assertNotEquals(original.version(), tuned.version());

    VersionRecord first = registry.importFile(TestModels.SHIPPED);
    VersionRecord second = registry.publish(tuned, metadata(original.version(), 0.86));

    assertEquals(original.version(), first.version());
    assertEquals("lenet5-fashion", first.name());
    assertEquals(Map.of("test_accuracy", original.provenance().testAccuracy()), first.validation());
    assertEquals(
        dir.toAbsolutePath().resolve("versions").resolve(first.version()).resolve("model.vgl"),
        first.modelFile());
    assertEquals(original.version(), second.parentVersion());
    assertEquals("6000 inverted frames", second.trainingData());
    assertEquals(Map.of("accuracy", 0.86), second.validation());
    assertEquals("fine-tuned", second.notes());
    assertEquals("2026-12-07T10:00:01Z", second.createdAt());
    assertTrue(second.sha256().matches("[0-9a-f]{64}"), second.sha256());

    assertEquals(List.of(first, second), registry.list());
    assertEquals(Optional.of(second), registry.find(tuned.version()));
    assertEquals(Optional.empty(), registry.find("lenet5-fashion-000000000000"));
    assertEquals(Optional.empty(), registry.find("../versions"));
    assertEquals(List.of(), registry.problems());

    Model loaded = registry.load(tuned.version(), CpuBackend.shared());
    Model again = registry.load(tuned.version(), CpuBackend.shared());
    assertEquals(tuned.version(), loaded.version());
    assertNotSame(loaded.network(), again.network(), "each load gets its own network");
    assertArrayEquals(probabilities(tuned), probabilities(loaded));

    // A second registry on the same folder sees the same versions.
    assertEquals(List.of(first, second), ModelRegistry.open(dir).list());
  }

  @Test
  void publishingAVersionAgainReturnsItsRecordUnchanged() throws IOException {
    ModelRegistry registry = ModelRegistry.open(dir, stepping());
    VersionRecord first = registry.publish(fineTuned(2), metadata(null, 0.5));
    VersionRecord again = registry.publish(fineTuned(2), metadata("other", 0.9));
    assertEquals(first, again);
    assertEquals(1, registry.list().size());
  }

  @Test
  void aLeftoverIncomingFolderIsRemovedByOpenAndNeverListed() throws IOException {
    ModelRegistry.open(dir).publish(fineTuned(1), metadata(null, 0.5));
    // What a crash between writing and renaming leaves: a complete-looking version, unlocked.
    Path leftover = dir.resolve(".incoming-lenet5-fashion-abc-123");
    Files.createDirectories(leftover);
    Files.write(leftover.resolve("model.vgl"), new byte[] {1, 2, 3});
    Files.writeString(leftover.resolve(".lock"), "");
    Path bare = dir.resolve(".incoming-x-456");
    Files.createDirectories(bare);

    ModelRegistry registry = ModelRegistry.open(dir);

    assertFalse(Files.exists(leftover));
    assertFalse(Files.exists(bare));
    assertEquals(1, registry.list().size());
    assertEquals(List.of(), registry.problems());
  }

  @Test
  void anIncomingFolderLockedByARunningPublishIsLeftAlone() throws IOException {
    ModelRegistry.open(dir);
    try (IncomingDir running = IncomingDir.create(dir.toAbsolutePath(), "v-1")) {
      ModelRegistry.open(dir);
      assertTrue(Files.isDirectory(running.path()), "a publish in progress must survive open");
    }
    try (Stream<Path> left = Files.list(dir)) {
      assertEquals(List.of(dir.resolve("versions")), left.toList(), "closed unpublished: removed");
    }
  }

  @Test
  void aVersionFolderWithoutValidMetaIsNotListedAndIsReported() throws IOException {
    ModelRegistry registry = ModelRegistry.open(dir);
    VersionRecord good = registry.publish(fineTuned(1), metadata(null, 0.5));
    Path noMeta = dir.resolve("versions/lenet5-fashion-aaaaaaaaaaaa");
    Files.createDirectories(noMeta);
    Files.copy(good.modelFile(), noMeta.resolve("model.vgl"));
    Path badMeta = dir.resolve("versions/lenet5-fashion-bbbbbbbbbbbb");
    Files.createDirectories(badMeta);
    Files.copy(good.modelFile(), badMeta.resolve("model.vgl"));
    Files.writeString(badMeta.resolve("meta.json"), "{\"version\": ");

    assertEquals(List.of(good), registry.list());
    List<String> problems = registry.problems();
    assertEquals(2, problems.size(), problems.toString());
    assertTrue(
        problems.get(0).contains("lenet5-fashion-aaaaaaaaaaaa")
            && problems.get(0).contains("no meta.json"),
        problems.get(0));
    assertTrue(
        problems.get(1).contains("lenet5-fashion-bbbbbbbbbbbb")
            && problems.get(1).contains("unreadable JSON"),
        problems.get(1));
    assertEquals(Optional.empty(), registry.find("lenet5-fashion-bbbbbbbbbbbb"));
    IOException unusable =
        assertThrows(IOException.class, () -> registry.setActive("lenet5-fashion-bbbbbbbbbbbb"));
    assertTrue(unusable.getMessage().contains("unreadable JSON"), unusable.getMessage());
  }

  @Test
  void aCorruptedModelFileIsRejectedOnLoadNamingTheChecksums() throws IOException {
    ModelRegistry registry = ModelRegistry.open(dir);
    VersionRecord record = registry.publish(fineTuned(1), metadata(null, 0.5));
    byte[] bytes = Files.readAllBytes(record.modelFile());
    bytes[bytes.length / 2] ^= 0x40;
    Files.write(record.modelFile(), bytes);

    ModelFileException damaged =
        assertThrows(
            ModelFileException.class, () -> registry.load(record.version(), CpuBackend.shared()));
    assertTrue(damaged.getMessage().contains("damaged"), damaged.getMessage());
    assertTrue(damaged.getMessage().contains(record.sha256()), damaged.getMessage());
    assertTrue(damaged.getMessage().contains(record.version()), damaged.getMessage());
  }

  @Test
  void aCorruptedFileIsNotImportedAndLeavesNothing() throws IOException {
    Path file = dir.resolve("broken.vgl");
    byte[] bytes = Files.readAllBytes(TestModels.SHIPPED);
    bytes[bytes.length - 100] ^= 0x01;
    Files.write(file, bytes);
    ModelRegistry registry = ModelRegistry.open(dir.resolve("registry"));

    ModelFileException e = assertThrows(ModelFileException.class, () -> registry.importFile(file));
    assertTrue(e.getMessage().contains("checksum mismatch"), e.getMessage());
    assertEquals(List.of(), registry.list());
    try (Stream<Path> left = Files.list(registry.dir())) {
      assertEquals(List.of(registry.dir().resolve("versions")), left.toList());
    }
  }

  @Test
  void anUnknownVersionIsRefusedNamingTheKnownOnes() throws IOException {
    ModelRegistry registry = ModelRegistry.open(dir);
    VersionRecord known = registry.publish(fineTuned(1), metadata(null, 0.5));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> registry.load("lenet5-fashion-123456789abc", CpuBackend.shared()));
    assertTrue(e.getMessage().contains("lenet5-fashion-123456789abc"), e.getMessage());
    assertTrue(e.getMessage().contains("known: " + known.version()), e.getMessage());
  }

  @Test
  void metadataRejectsFiguresThatAreNotFinite() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new VersionMetadata(null, null, Map.of("accuracy", Double.NaN), null));
    assertTrue(e.getMessage().contains("'accuracy'"), e.getMessage());
    assertEquals(Map.of(), new VersionMetadata(null, null, null, null).validation());
  }

  private static float[] probabilities(Model model) {
    float[] images = new float[4 * model.input().size()];
    Random random = new Random(5);
    for (int i = 0; i < images.length; i++) {
      images[i] = random.nextFloat();
    }
    float[] out = new float[4 * model.classNames().size()];
    try (Predictor predictor = model.newPredictor(4)) {
      predictor.predict(images, 4, out);
    }
    return out;
  }
}
