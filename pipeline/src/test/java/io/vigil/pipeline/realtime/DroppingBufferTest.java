package io.vigil.pipeline.realtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.vigil.pipeline.frame.StreamItem;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.testkit.TestPublisher;
import org.apache.pekko.stream.testkit.TestSubscriber;
import org.apache.pekko.stream.testkit.javadsl.TestSink;
import org.apache.pekko.stream.testkit.javadsl.TestSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The buffer in isolation, driven by test probes: what it drops, that it says so, and that it forms
 * batches only when asked. Frames 0..n-1 are pushed before any batch is requested.
 */
class DroppingBufferTest {

  private static ActorSystem<Void> system;

  @BeforeAll
  static void start() {
    system = ActorSystem.create(Behaviors.empty(), "buffer-test", ConfigFactory.load());
  }

  @AfterAll
  static void stop() {
    system.terminate();
  }

  private static StreamItem.Frame frame(String stream, long index) {
    return new StreamItem.Frame(stream, index, 0, 0, 0, new float[0]);
  }

  /** Pushes frames 0..n-1 of stream "s" with no demand downstream, then reads what is left. */
  private static List<Long> survivors(DropPolicy policy, int capacity, int n, List<Long> dropped) {
    Pair<TestPublisher.Probe<StreamItem>, TestSubscriber.Probe<List<StreamItem>>> probes =
        TestSource.<StreamItem>probe(system.classicSystem())
            .via(
                Flow.fromGraph(
                    new DroppingBuffer(
                        capacity,
                        policy,
                        3,
                        Duration.ofMillis(1),
                        f -> dropped.add(f.index()),
                        d -> {})))
            .toMat(
                TestSink.probe(system.classicSystem()), org.apache.pekko.stream.javadsl.Keep.both())
            .run(system);
    for (int i = 0; i < n; i++) {
      probes.first().sendNext(frame("s", i));
    }
    probes.first().sendNext(new StreamItem.End("s", null));
    probes.first().sendComplete();
    List<Long> out = new ArrayList<>();
    TestSubscriber.Probe<List<StreamItem>> sink = probes.second();
    sink.request(capacity + 2);
    StreamItem last = null;
    while (!(last instanceof StreamItem.End)) {
      List<StreamItem> batch = sink.expectNext();
      assertTrue(batch.size() <= 3 + 1, "at most 3 frames per batch: " + batch);
      for (StreamItem item : batch) {
        if (item instanceof StreamItem.Frame f) {
          out.add(f.index());
        }
        last = item;
      }
    }
    assertInstanceOf(StreamItem.End.class, last, "the marker is never dropped");
    sink.expectComplete();
    return out;
  }

  @Test
  void dropOldestKeepsTheNewestFramesAndReportsEachDrop() {
    List<Long> dropped = new ArrayList<>();
    assertEquals(List.of(6L, 7L, 8L, 9L), survivors(DropPolicy.DROP_OLDEST, 4, 10, dropped));
    assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L), dropped);
  }

  @Test
  void dropNewestKeepsTheFirstFrames() {
    List<Long> dropped = new ArrayList<>();
    assertEquals(List.of(0L, 1L, 2L, 3L), survivors(DropPolicy.DROP_NEWEST, 4, 10, dropped));
    assertEquals(List.of(4L, 5L, 6L, 7L, 8L, 9L), dropped);
  }

  @Test
  void skipEveryNthThinsOnceHalfFullThenDropsTheOldest() {
    List<Long> dropped = new ArrayList<>();
    List<Long> kept = survivors(DropPolicy.parse("skip-every-nth", 2), 4, 10, dropped);
    assertEquals(4, kept.size());
    assertEquals(10, kept.size() + dropped.size());
  }
}
