package io.vigil.pipeline.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.engine.backend.cpu.CpuBackend;
import io.vigil.engine.model.Model;
import io.vigil.pipeline.analyze.TestModels;
import io.vigil.pipeline.registry.ModelRegistry;
import io.vigil.pipeline.registry.VersionMetadata;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Following a registry's active version, one look at a time. */
class RegistryFollowerTest {

  @TempDir Path dir;

  @Test
  void aNewActiveVersionIsSwappedInOnceAndARefusedOneIsNotRetried() throws Exception {
    Model shipped = TestModels.shipped();
    Model other = TestModels.untrained();
    ModelRegistry registry = ModelRegistry.open(dir);
    registry.importFile(TestModels.SHIPPED);
    registry.setActive(shipped.version());
    registry.publish(other, new VersionMetadata(null, "test", Map.of(), ""));
    FakeLiveStreams target = new FakeLiveStreams(shipped.version());
    List<String> said = new CopyOnWriteArrayList<>();
    RegistryFollower follower =
        new RegistryFollower(registry, target, CpuBackend.shared(), said::add);

    assertTrue(follower.check().isEmpty(), "nothing new");
    registry.setActive(other.version());
    follower.check().orElseThrow().toCompletableFuture().get(5, TimeUnit.SECONDS);
    assertEquals(List.of(other.version()), target.swappedTo);
    assertTrue(said.get(0).contains("→ " + other.version()), said.toString());
    assertTrue(follower.check().isEmpty(), "already serving it");
    assertFalse(target.offered.get(0).isClosed(), "the streams hold the version they serve");

    target.failSwapsWith = "trial batch gave NaN";
    registry.setActive(shipped.version());
    var refused = follower.check().orElseThrow().toCompletableFuture();
    assertTrue(refused.isCompletedExceptionally());
    assertTrue(said.get(1).contains("trial batch gave NaN"), said.toString());
    assertTrue(target.offered.get(1).isClosed(), "the follower let go of the refused version");
    assertTrue(follower.check().isEmpty(), "a refused version is not tried again and again");
  }
}
