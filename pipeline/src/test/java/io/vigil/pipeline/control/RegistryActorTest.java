package io.vigil.pipeline.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.engine.backend.cpu.CpuBackend;
import io.vigil.engine.model.Model;
import io.vigil.engine.model.Predictor;
import io.vigil.engine.model.Provenance;
import io.vigil.engine.zoo.LeNet5;
import io.vigil.pipeline.analyze.TestModels;
import io.vigil.pipeline.registry.ModelRegistry;
import io.vigil.pipeline.registry.VersionMetadata;
import io.vigil.pipeline.stream.SwapReport;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The registry actor: load before unload. A version becomes active only after the streams swapped
 * to it; a refused or failed swap leaves the old version serving and recorded as active.
 */
class RegistryActorTest {

  private static ActorTestKit kit;
  private static Model shipped;
  private static Model other;

  @TempDir Path dir;
  private ModelRegistry registry;
  private final TestProbe<StreamManager.Command> streams = kit.createTestProbe();
  private final TestProbe<ControlEvent> events = kit.createTestProbe();
  private final TestProbe<RegistryActor.Outcome> reply = kit.createTestProbe();
  private ActorRef<RegistryActor.Command> actor;

  /** The version serving when the actor starts: loaded for it, so the actor owns it. */
  private Model servedFirst;

  @BeforeAll
  static void start() throws Exception {
    kit = ActorTestKit.create();
    shipped = TestModels.shipped();
    other = TestModels.untrained();
  }

  @AfterAll
  static void stop() {
    kit.shutdownTestKit();
  }

  @BeforeEach
  void openRegistry() throws Exception {
    registry = ModelRegistry.open(dir);
    registry.importFile(TestModels.SHIPPED);
    registry.setActive(shipped.version());
    servedFirst = TestModels.shipped();
    actor =
        kit.spawn(
            RegistryActor.create(
                registry,
                servedFirst,
                CpuBackend.shared(),
                streams.ref(),
                events.ref(),
                List.of(),
                Duration.ofSeconds(5),
                Duration.ofMillis(100)));
  }

  private static VersionMetadata meta() {
    return new VersionMetadata(
        shipped.version(), "night-1.mp4", Map.of("new_scene_after", 0.86), "");
  }

  /** Answers the swap the registry asks of the streams. */
  private StreamManager.Swap answerSwap(String error) {
    StreamManager.Swap swap = streams.expectMessageClass(StreamManager.Swap.class);
    swap.replyTo()
        .tell(
            error == null
                ? new StreamManager.SwapResult(
                    new SwapReport(shipped.version(), swap.model().version(), 4, 9, 640), null)
                : new StreamManager.SwapResult(null, error));
    return swap;
  }

  @Test
  void aPublishedVersionIsActivatedOnlyAfterTheStreamsSwapped() throws Exception {
    actor.tell(new RegistryActor.Publish(other, meta(), true, reply.ref()));
    events.expectMessageClass(ControlEvent.VersionPublished.class);
    StreamManager.Swap swap = answerSwap(null);
    assertEquals(other.version(), swap.model().version());
    RegistryActor.Outcome outcome = reply.receiveMessage();
    assertTrue(outcome.ok(), outcome.message());
    assertEquals(9, outcome.swap().toFirstResultMillis());
    assertEquals(other.version(), ModelRegistry.open(dir).active().orElseThrow());
    events.expectMessageClass(ControlEvent.Swapped.class);
    TestProbe<RegistryActor.Serving> serving = kit.createTestProbe();
    actor.tell(new RegistryActor.GetServing(serving.ref()));
    assertEquals(other.version(), serving.receiveMessage().model().version());
  }

  @Test
  void aFailedSwapKeepsTheOldVersionServingAndActive() throws Exception {
    actor.tell(new RegistryActor.Publish(other, meta(), true, reply.ref()));
    answerSwap("trial batch failed");
    RegistryActor.Outcome outcome = reply.receiveMessage();
    assertFalse(outcome.ok());
    assertTrue(outcome.message().contains("trial batch failed"), outcome.message());
    assertEquals(shipped.version(), ModelRegistry.open(dir).active().orElseThrow());
    assertTrue(ModelRegistry.open(dir).find(other.version()).isPresent(), "still published");
  }

  @Test
  void aVersionThatDoesNotFitTheSlotIsRefusedBeforeAnySwap() throws Exception {
    Model misfit =
        Model.create(
            "misfit",
            LeNet5.create(3),
            LeNet5.INPUT,
            List.of("a", "b", "c", "d", "e", "f", "g", "h", "i", "j"),
            new Provenance("none", 0, 0, null, "2026-01-01T00:00:00Z", ""));
    actor.tell(new RegistryActor.Publish(misfit, meta(), true, reply.ref()));
    RegistryActor.Outcome outcome = reply.receiveMessage();
    assertFalse(outcome.ok());
    assertTrue(
        outcome.message().contains(misfit.version())
            && outcome.message().contains(shipped.version()),
        "names both versions: " + outcome.message());
    streams.expectNoMessage(Duration.ofMillis(100));
    assertEquals(shipped.version(), registry.active().orElseThrow());
  }

  @Test
  void rollbackSwapsBackAndThenHasNothingLeft() throws Exception {
    actor.tell(new RegistryActor.Publish(other, meta(), true, reply.ref()));
    answerSwap(null);
    assertTrue(reply.receiveMessage().ok());
    actor.tell(new RegistryActor.Rollback(reply.ref()));
    assertEquals(shipped.version(), answerSwap(null).model().version());
    RegistryActor.Outcome back = reply.receiveMessage();
    assertTrue(back.ok(), back.message());
    assertEquals(shipped.version(), ModelRegistry.open(dir).active().orElseThrow());
    actor.tell(new RegistryActor.Rollback(reply.ref()));
    RegistryActor.Outcome nothing = reply.receiveMessage();
    assertFalse(nothing.ok());
    assertTrue(nothing.message().contains("nothing to roll back"), nothing.message());
  }

  @Test
  void anActivationByAnotherProcessIsSwappedIn() throws Exception {
    ModelRegistry elsewhere = ModelRegistry.open(dir);
    elsewhere.publish(other, meta());
    elsewhere.setActive(other.version());
    StreamManager.Swap swap = answerSwap(null);
    assertEquals(other.version(), swap.model().version());
    assertEquals(
        other.version(),
        events.expectMessageClass(ControlEvent.Swapped.class).report().toVersion());
    TestProbe<RegistryActor.Serving> serving = kit.createTestProbe();
    actor.tell(new RegistryActor.GetServing(serving.ref()));
    assertEquals(other.version(), serving.receiveMessage().model().version());
  }

  @Test
  void anActivationByAnotherProcessThatCannotBeSwappedInIsUndoneOnDisk() throws Exception {
    ModelRegistry elsewhere = ModelRegistry.open(dir);
    elsewhere.publish(other, meta());
    elsewhere.setActive(other.version());
    answerSwap("trial batch failed");
    events.expectMessageClass(ControlEvent.SwapRefused.class);
    TestProbe<Object> wait = kit.createTestProbe();
    wait.awaitAssert(
        Duration.ofSeconds(5),
        () -> {
          assertEquals(shipped.version(), ModelRegistry.open(dir).active().orElseThrow());
          return null;
        });
    streams.expectNoMessage(Duration.ofMillis(300));
  }

  @Test
  void commandsDuringASwapWaitForIt() throws Exception {
    actor.tell(new RegistryActor.Publish(other, meta(), true, reply.ref()));
    StreamManager.Swap first = streams.expectMessageClass(StreamManager.Swap.class);
    actor.tell(new RegistryActor.Rollback(reply.ref()));
    streams.expectNoMessage(Duration.ofMillis(100));
    first
        .replyTo()
        .tell(
            new StreamManager.SwapResult(
                new SwapReport(shipped.version(), other.version(), 1, 1, 0), null));
    assertTrue(reply.receiveMessage().ok());
    assertEquals(shipped.version(), answerSwap(null).model().version());
    assertTrue(reply.receiveMessage().ok());
  }

  @Test
  void theVersionSwappedOutIsFreedOnceItsLastBatchIsDone() throws Exception {
    // The old classifier's predictor, with a batch still to finish when the swap completes.
    Predictor lastBatch = servedFirst.newPredictor(1);
    actor.tell(new RegistryActor.Publish(other, meta(), true, reply.ref()));
    StreamManager.Swap swap = answerSwap(null);
    assertTrue(reply.receiveMessage().ok());
    assertFalse(servedFirst.isClosed(), "a predictor still holds the old version");
    lastBatch.predict(new float[LeNet5.INPUT.size()], 1, new float[10]);
    lastBatch.close();
    assertTrue(servedFirst.isClosed(), "freed once its last holder is done");
    assertFalse(swap.model().isClosed(), "the version swapped in serves on");
  }

  @Test
  void aCandidateTheStreamsRefusedIsFreed() throws Exception {
    actor.tell(new RegistryActor.Publish(other, meta(), true, reply.ref()));
    StreamManager.Swap swap = answerSwap("trial batch failed");
    assertFalse(reply.receiveMessage().ok());
    assertTrue(swap.model().isClosed(), "the registry let go of the version it loaded");
    assertFalse(servedFirst.isClosed(), "the old version serves on");
  }

  @Test
  void stoppingLetsGoOfTheServingVersionOnceItsClassifiersAreDone() {
    Predictor running = servedFirst.newPredictor(1);
    kit.stop(actor);
    assertFalse(servedFirst.isClosed(), "a classifier still running holds it");
    running.close();
    assertTrue(servedFirst.isClosed(), "the registry let go of it when it stopped");
  }

  @Test
  void stoppingDuringASwapLetsGoOfTheCandidateToo() {
    actor.tell(new RegistryActor.Publish(other, meta(), true, reply.ref()));
    StreamManager.Swap swap = streams.expectMessageClass(StreamManager.Swap.class);
    kit.stop(actor);
    assertTrue(servedFirst.isClosed(), "the serving version is let go");
    assertTrue(swap.model().isClosed(), "the version being swapped in is let go");
  }
}
