package io.vigil.pipeline.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.vigil.engine.model.Model;
import io.vigil.pipeline.analyze.TestModels;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ManualTime;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The stream manager: swaps, and training yielding the CPU to real time, on manual time. */
class StreamManagerTest {

  private static final StreamManager.Yield YIELD =
      new StreamManager.Yield(Duration.ofMillis(200), 50, 25);

  private static ActorTestKit kit;
  private static ManualTime time;

  @BeforeAll
  static void start() {
    kit = ActorTestKit.create(ManualTime.config().withFallback(ConfigFactory.load()));
    time = ManualTime.get(kit.system());
  }

  @AfterAll
  static void stop() {
    kit.shutdownTestKit();
  }

  private final TestProbe<ControlEvent> events = kit.createTestProbe();

  @Test
  void trainingPausesWhenRealTimeLatencyNearsItsBoundAndResumesWhenThereIsRoom() {
    FakeLiveStreams live = new FakeLiveStreams("v1");
    YieldGate gate = new YieldGate();
    kit.spawn(StreamManager.create(live, List.of(), gate, YIELD, events.ref()));
    // With no training running the gate follows the latency without a word.
    live.p99 = 70;
    time.timePasses(YIELD.checkInterval());
    time.expectNoMessageFor(Duration.ofMillis(10), events);
    live.p99 = 12;
    time.timePasses(YIELD.checkInterval());
    time.expectNoMessageFor(Duration.ofMillis(10), events);
    YieldGate.JobPacer training = gate.pacer();
    time.timePasses(YIELD.checkInterval());
    time.expectNoMessageFor(Duration.ofMillis(10), events);
    assertFalse(gate.isClosed());
    live.p99 = 70;
    time.timePasses(YIELD.checkInterval());
    ControlEvent.TrainerYield paused = events.expectMessageClass(ControlEvent.TrainerYield.class);
    assertTrue(paused.paused());
    assertEquals(70, paused.recentP99Millis());
    assertTrue(gate.isClosed());
    // Between the two thresholds nothing changes (no flapping).
    live.p99 = 40;
    time.timePasses(YIELD.checkInterval());
    time.expectNoMessageFor(Duration.ofMillis(10), events);
    assertTrue(gate.isClosed());
    live.p99 = 20;
    time.timePasses(YIELD.checkInterval());
    assertFalse(events.expectMessageClass(ControlEvent.TrainerYield.class).paused());
    assertFalse(gate.isClosed());
    training.finished();
    assertFalse(gate.training());
  }

  @Test
  void aPausedTrainingThreadWaitsAtTheGateAndAnAbandonedOneStops() throws Exception {
    YieldGate gate = new YieldGate();
    YieldGate.JobPacer pacer = gate.pacer();
    gate.close();
    java.util.concurrent.CountDownLatch passed = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch cancelled = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.atomic.AtomicReference<Throwable> thrown =
        new java.util.concurrent.atomic.AtomicReference<>();
    Thread training =
        new Thread(
            () -> {
              try {
                pacer.beforeBatch();
                passed.countDown();
                cancelled.await();
                pacer.beforeBatch();
              } catch (InterruptedException e) {
                thrown.set(e);
              }
            });
    training.start();
    assertFalse(passed.await(100, java.util.concurrent.TimeUnit.MILLISECONDS), "held at the gate");
    gate.open();
    assertTrue(passed.await(5, java.util.concurrent.TimeUnit.SECONDS), "goes on once it opens");
    pacer.cancel();
    cancelled.countDown();
    training.join(5000);
    assertTrue(thrown.get() instanceof InterruptedException, "a cancelled run stops: " + thrown);
  }

  @Test
  void swapsGoToTheStreamsAndAFailedSwapSaysWhy() throws Exception {
    FakeLiveStreams live = new FakeLiveStreams("v1");
    ActorRef<StreamManager.Command> manager =
        kit.spawn(StreamManager.create(live, List.of(), new YieldGate(), YIELD, events.ref()));
    Model next = TestModels.untrained();
    TestProbe<StreamManager.SwapResult> reply = kit.createTestProbe();
    manager.tell(new StreamManager.Swap(next, reply.ref()));
    StreamManager.SwapResult ok = reply.receiveMessage();
    assertNull(ok.error());
    assertEquals(next.version(), ok.report().toVersion());
    assertEquals(List.of(next.version()), live.swappedTo);
    live.failSwapsWith = "trial batch failed: NaN in the output";
    manager.tell(new StreamManager.Swap(next, reply.ref()));
    StreamManager.SwapResult failed = reply.receiveMessage();
    assertNull(failed.report());
    assertTrue(failed.error().contains("trial batch failed"), failed.error());
  }

  @Test
  void streamsAreAddedListedAndRemovedAndADuplicateIsRefused() {
    FakeLiveStreams live = new FakeLiveStreams("v1");
    ActorRef<StreamManager.Command> manager =
        kit.spawn(StreamManager.create(live, List.of(), new YieldGate(), YIELD, events.ref()));
    TestProbe<StreamManager.Reply> reply = kit.createTestProbe();
    io.vigil.pipeline.realtime.SourceSpec cam =
        io.vigil.pipeline.realtime.SourceSpec.file(
            "cam-1", java.nio.file.Path.of("cam.mp4"), 30, false);
    manager.tell(new StreamManager.Add(cam, reply.ref()));
    assertTrue(reply.receiveMessage().ok());
    manager.tell(new StreamManager.Add(cam, reply.ref()));
    StreamManager.Reply dup = reply.receiveMessage();
    assertFalse(dup.ok());
    assertTrue(dup.message().contains("cam-1"), dup.message());
    TestProbe<Set<String>> list = kit.createTestProbe();
    manager.tell(new StreamManager.ListStreams(list.ref()));
    assertEquals(Set.of("cam-1"), list.receiveMessage());
    manager.tell(new StreamManager.Remove("cam-1", reply.ref()));
    assertTrue(reply.receiveMessage().ok());
    manager.tell(new StreamManager.Remove("cam-1", reply.ref()));
    assertFalse(reply.receiveMessage().ok());
  }
}
