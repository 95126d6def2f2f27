package io.vigil.pipeline.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.vigil.engine.model.Model;
import io.vigil.engine.train.FineTuneResult;
import io.vigil.engine.train.GateVerdict;
import io.vigil.engine.train.TrainingResult;
import io.vigil.pipeline.analyze.TestModels;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ManualTime;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The trainer under its supervisor: each kind of failure (an exception, a diverging loss, an
 * out-of-memory, a clip that breaks the decoder) is reported, gives its clips back to the inbox and
 * restarts the trainer after the backoff, on manual time; a passing gate publishes and activates, a
 * failing one publishes nothing; clips that cannot be used are set aside.
 */
class TrainerSupervisionTest {

  private static final Duration MIN_BACKOFF = Duration.ofSeconds(2);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

  /** The first backoff with its random factor (up to 0.2) at most. */
  private static final Duration AFTER_FIRST_BACKOFF = Duration.ofMillis(2500);

  private static ActorTestKit kit;
  private static ManualTime time;
  private static Model base;
  private static Model candidate;

  @BeforeAll
  static void start() throws Exception {
    kit = ActorTestKit.create(ManualTime.config().withFallback(ConfigFactory.load()));
    time = ManualTime.get(kit.system());
    base = TestModels.shipped();
    candidate = TestModels.untrained();
  }

  @AfterAll
  static void stop() {
    kit.shutdownTestKit();
  }

  /** Probes standing in for the trainer's neighbours. */
  private static final class Neighbours {
    final TestProbe<ClipInbox.Command> inbox = kit.createTestProbe();
    final TestProbe<RegistryActor.Command> registry = kit.createTestProbe();
    final TestProbe<ControlEvent> events = kit.createTestProbe();

    ActorRef<Trainer.Command> spawn(Retraining retraining) {
      return kit.spawn(
          Trainer.supervised(
              new Trainer.Setup(
                  inbox.ref(),
                  registry.ref(),
                  events.ref(),
                  retraining,
                  Runnable::run,
                  new YieldGate(),
                  true,
                  Duration.ofSeconds(5)),
              MIN_BACKOFF,
              MAX_BACKOFF));
    }

    /**
     * Answers the trainer's request for work with {@code clips}, and its ask for the base model.
     */
    void giveWork(List<Path> clips) {
      ClipInbox.RequestWork request = inbox.expectMessageClass(ClipInbox.RequestWork.class);
      request.replyTo().tell(new ClipInbox.Work(clips));
      RegistryActor.GetServing ask = registry.expectMessageClass(RegistryActor.GetServing.class);
      ask.replyTo().tell(new RegistryActor.Serving(base));
      ControlEvent.TrainingStarted started =
          events.expectMessageClass(ControlEvent.TrainingStarted.class);
      assertEquals(base.version(), started.baseVersion());
    }
  }

  private static FineTuneResult result(boolean passed) {
    GateVerdict verdict =
        new GateVerdict(passed, 0.16, passed ? 0.86 : 0.18, 0.912, 0.905, "figures");
    TrainingResult training =
        new TrainingResult(0.86, 0.4, Duration.ofSeconds(12), 5, new int[10][10]);
    return new FineTuneResult(candidate, verdict, training, 4800, 4800);
  }

  /** A failure thrown by the retraining restarts the trainer, which then asks for work again. */
  private void failsAndRestarts(Throwable failure, String expectedInReason) {
    Neighbours n = new Neighbours();
    AtomicInteger runs = new AtomicInteger();
    n.spawn(
        (model, clips, pacer) -> {
          runs.incrementAndGet();
          if (failure instanceof Error error) {
            throw error;
          }
          throw (Exception) failure;
        });
    List<Path> clips = List.of(Path.of("night-1.mp4"));
    n.giveWork(clips);
    ControlEvent.TrainingFailed failed =
        n.events.expectMessageClass(ControlEvent.TrainingFailed.class);
    assertTrue(
        failed.reason().contains(expectedInReason),
        "the reason says what failed: " + failed.reason());
    ClipInbox.Failed back = n.inbox.expectMessageClass(ClipInbox.Failed.class);
    assertEquals(clips, back.clips(), "the clips go back to the inbox");
    // The supervisor waits before the restart: nothing before the backoff, then a new request.
    time.expectNoMessageFor(MIN_BACKOFF.dividedBy(2), n.inbox);
    time.timePasses(AFTER_FIRST_BACKOFF);
    n.inbox.expectMessageClass(ClipInbox.RequestWork.class);
    assertEquals(1, runs.get());
    n.registry.expectNoMessage(Duration.ofMillis(50));
  }

  @Test
  void anExceptionRestartsTheTrainerAfterTheBackoff() {
    failsAndRestarts(new IllegalArgumentException("bad batch"), "bad batch");
  }

  @Test
  void aDivergingLossRestartsTheTrainer() {
    failsAndRestarts(
        new IllegalStateException("training diverged in epoch 1 at sample 64: loss is NaN"),
        "loss is NaN");
  }

  @Test
  void anOutOfMemoryInTrainingRestartsTheTrainerInsteadOfTheSystem() {
    failsAndRestarts(new OutOfMemoryError("Java heap space"), "out of memory");
  }

  @Test
  void aClipThatBreaksTheDecoderRestartsTheTrainer() {
    failsAndRestarts(
        new java.io.UncheckedIOException(
            "night-1.mp4: decoder failed",
            new java.io.IOException("avcodec_send_packet() error -1094995529")),
        "decoder failed");
  }

  @Test
  void repeatedFailuresWaitLongerEachTime() {
    Neighbours n = new Neighbours();
    n.spawn(
        (model, clips, pacer) -> {
          throw new IllegalStateException("always fails");
        });
    List<Path> clips = List.of(Path.of("a.mp4"));
    n.giveWork(clips);
    n.events.expectMessageClass(ControlEvent.TrainingFailed.class);
    n.inbox.expectMessageClass(ClipInbox.Failed.class);
    time.timePasses(AFTER_FIRST_BACKOFF);
    n.giveWork(clips);
    n.events.expectMessageClass(ControlEvent.TrainingFailed.class);
    n.inbox.expectMessageClass(ClipInbox.Failed.class);
    // The second backoff is twice the first, 4 to 4.8 s with the random factor.
    time.expectNoMessageFor(Duration.ofSeconds(3), n.inbox);
    time.timePasses(MIN_BACKOFF.multipliedBy(2));
    n.inbox.expectMessageClass(ClipInbox.RequestWork.class);
  }

  @Test
  void aPassingGatePublishesAndActivatesThenAsksForMoreWork() {
    Neighbours n = new Neighbours();
    n.spawn((model, clips, pacer) -> new Retraining.Outcome(result(true), clips, List.of()));
    List<Path> clips = List.of(Path.of("night-1.mp4"), Path.of("night-2.mp4"));
    n.giveWork(clips);
    assertEquals(clips, n.inbox.expectMessageClass(ClipInbox.Finished.class).clips());
    ControlEvent.GateDecided gate = n.events.expectMessageClass(ControlEvent.GateDecided.class);
    assertTrue(gate.verdict().passed());
    RegistryActor.Publish publish = n.registry.expectMessageClass(RegistryActor.Publish.class);
    assertEquals(candidate.version(), publish.model().version());
    assertTrue(publish.activate());
    assertEquals(0.86, publish.metadata().validation().get("new_scene_after"), 1e-9);
    assertTrue(publish.metadata().trainingData().contains("night-2.mp4"));
    publish.replyTo().tell(new RegistryActor.Outcome(true, candidate.version(), "activated", null));
    n.inbox.expectMessageClass(ClipInbox.RequestWork.class);
  }

  @Test
  void aFailingGatePublishesNothingAndKeepsTheOldModel() {
    Neighbours n = new Neighbours();
    n.spawn((model, clips, pacer) -> new Retraining.Outcome(result(false), clips, List.of()));
    n.giveWork(List.of(Path.of("night-1.mp4")));
    n.inbox.expectMessageClass(ClipInbox.Finished.class);
    ControlEvent.GateDecided gate = n.events.expectMessageClass(ControlEvent.GateDecided.class);
    assertFalse(gate.verdict().passed());
    n.inbox.expectMessageClass(ClipInbox.RequestWork.class);
    n.registry.expectNoMessage(Duration.ofMillis(50));
  }

  @Test
  void clipsThatCannotBeUsedAreSetAsideAndTheRestTrain() {
    Neighbours n = new Neighbours();
    Path good = Path.of("good.mp4");
    Path bad = Path.of("bad.mp4");
    n.spawn(
        (model, clips, pacer) ->
            new Retraining.Outcome(
                null,
                List.of(good),
                List.of(new Retraining.Rejected(bad, "3 labels for 5 frames"))));
    n.giveWork(List.of(good, bad));
    ClipInbox.Reject reject = n.inbox.expectMessageClass(ClipInbox.Reject.class);
    assertEquals(bad, reject.clip());
    assertEquals("3 labels for 5 frames", reject.reason());
    assertEquals(List.of(good), n.inbox.expectMessageClass(ClipInbox.Finished.class).clips());
    n.inbox.expectMessageClass(ClipInbox.RequestWork.class);
  }
}
