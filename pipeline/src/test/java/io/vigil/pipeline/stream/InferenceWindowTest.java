package io.vigil.pipeline.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.vigil.pipeline.frame.StreamItem;
import io.vigil.pipeline.result.FrameResult;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The inference window: with room for two, batch k+1 starts before batch k is collected, and batch
 * k+2 before batch k+1; with room for one, each batch is collected before the next starts (the
 * CPU); results come out in order, each once, across hot swaps, batches of markers and stream ends;
 * a failure fails its own batch, in its turn.
 */
class InferenceWindowTest {

  private final List<String> log = Collections.synchronizedList(new ArrayList<>());
  private ExecutorService engine;
  private InferenceWindow window;
  private CountDownLatch gate;

  @BeforeEach
  void startEngine() {
    engine = Executors.newSingleThreadExecutor(r -> new Thread(r, "test-engine"));
    window = new InferenceWindow(engine);
  }

  @AfterEach
  void stopEngine() throws InterruptedException {
    if (gate != null) {
      gate.countDown();
    }
    engine.shutdown();
    assertTrue(engine.awaitTermination(10, TimeUnit.SECONDS), "engine thread stopped");
  }

  /** Holds the engine until {@link #open()}, so that every batch given meanwhile is waiting. */
  private void holdEngine() {
    gate = new CountDownLatch(1);
    CountDownLatch held = gate;
    engine.execute(
        () -> {
          try {
            held.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
  }

  private void open() {
    gate.countDown();
  }

  /** A batch of {@code n} frames of stream {@code stream}, numbered from {@code first}. */
  private static List<StreamItem> frames(String stream, long first, int n) {
    List<StreamItem> items = new ArrayList<>(n);
    for (long i = first; i < first + n; i++) {
      items.add(new StreamItem.Frame(stream, i, 40_000 * i, 0, 0, new float[1]));
    }
    return items;
  }

  private static ClassifiedBatch await(CompletableFuture<ClassifiedBatch> batch) throws Exception {
    return batch.get(10, TimeUnit.SECONDS);
  }

  @Test
  void withRoomForTwoTheNextBatchStartsBeforeTheEngineWaitsForThisOne() throws Exception {
    ScriptedClassifier a = new ScriptedClassifier("A", 2, log);
    holdEngine();
    List<CompletableFuture<ClassifiedBatch>> out = new ArrayList<>();
    for (int b = 0; b < 4; b++) {
      out.add(window.classify(frames("s", 3L * b, 3), a));
    }
    open();
    for (int b = 0; b < 4; b++) {
      ClassifiedBatch batch = await(out.get(b));
      assertEquals(3, batch.batchSize());
      assertEquals(List.of(3L * b, 3L * b + 1, 3L * b + 2), frameNumbers(batch.results()));
    }
    // A sliding window, not pairs: batch 2 starts before batch 1 is collected.
    assertEquals(
        List.of(
            "A start 0",
            "A start 1",
            "A collect 0",
            "A start 2",
            "A collect 1",
            "A start 3",
            "A collect 2",
            "A collect 3"),
        log);
    assertEquals(2, a.mostInFlight());
    assertEquals(0, a.closes(), "the last classifier is its owner's to close");
  }

  @Test
  void withRoomForOneEachBatchIsCollectedBeforeTheNextStarts() throws Exception {
    ScriptedClassifier cpu = new ScriptedClassifier("CPU", 1, log);
    holdEngine();
    List<CompletableFuture<ClassifiedBatch>> out = new ArrayList<>();
    for (int b = 0; b < 3; b++) {
      out.add(window.classify(frames("s", 2L * b, 2), cpu));
    }
    open();
    for (CompletableFuture<ClassifiedBatch> batch : out) {
      await(batch);
    }
    assertEquals(
        List.of(
            "CPU start 0",
            "CPU collect 0",
            "CPU start 1",
            "CPU collect 1",
            "CPU start 2",
            "CPU collect 2"),
        log);
  }

  @Test
  void aHotSwapCollectsTheOldClassifiersBatchesThenClosesItBeforeTheNewOneStarts()
      throws Exception {
    ScriptedClassifier a = new ScriptedClassifier("A", 2, log);
    ScriptedClassifier b = new ScriptedClassifier("B", 2, log);
    holdEngine();
    List<CompletableFuture<ClassifiedBatch>> out = new ArrayList<>();
    List<ScriptedClassifier> readFor = List.of(a, a, a, b, b);
    for (int i = 0; i < readFor.size(); i++) {
      out.add(window.classify(frames("s", 2L * i, 2), readFor.get(i)));
    }
    open();
    List<FrameResult> all = new ArrayList<>();
    for (int i = 0; i < out.size(); i++) {
      ClassifiedBatch batch = await(out.get(i));
      for (FrameResult r : batch.results()) {
        // Never split across versions: every result of a batch is from the model read for it.
        assertEquals(readFor.get(i).modelVersion(), r.model(), "batch " + i);
      }
      all.addAll(batch.results());
    }
    assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L), frameNumbers(all));
    assertEquals(
        List.of(
            "A start 0",
            "A start 1",
            "A collect 0",
            "A start 2",
            "A collect 1",
            "A collect 2",
            "A close",
            "B start 0",
            "B start 1",
            "B collect 0",
            "B collect 1"),
        log);
    assertEquals(1, a.closes());
    assertEquals(0, b.closes());
  }

  @Test
  void aBatchOfMarkersOnlyCompletesAtOnceWithoutTheEngine() throws Exception {
    ScriptedClassifier a = new ScriptedClassifier("A", 2, log);
    holdEngine();
    CompletableFuture<ClassifiedBatch> frames = window.classify(frames("s", 0, 2), a);
    StreamItem.End end = new StreamItem.End("s", null);
    StreamItem.Failed failed = new StreamItem.Failed("t", new IllegalStateException("cut"));
    CompletableFuture<ClassifiedBatch> markers = window.classify(List.of(end, failed), a);

    // Done while the engine is still held: it never went near the classifier.
    assertTrue(markers.isDone());
    assertFalse(frames.isDone());
    ClassifiedBatch onlyMarkers = markers.get();
    assertEquals(List.of(end, failed), onlyMarkers.markers());
    assertEquals(0, onlyMarkers.batchSize());
    assertTrue(onlyMarkers.results().isEmpty());
    assertTrue(onlyMarkers.images().isEmpty());
    open();
    assertEquals(List.of(0L, 1L), frameNumbers(await(frames).results()));
    assertEquals(List.of("A start 0", "A collect 0"), log);
  }

  @Test
  void aFailedStartOrCollectFailsItsOwnBatchInItsTurnAndTheOthersGoOn() throws Exception {
    ScriptedClassifier a =
        new ScriptedClassifier("A", 2, log).failingStartOf(1).failingCollectOf(3);
    holdEngine();
    List<CompletableFuture<ClassifiedBatch>> out = new ArrayList<>();
    List<Integer> completed = Collections.synchronizedList(new ArrayList<>());
    for (int b = 0; b < 5; b++) {
      int number = b;
      CompletableFuture<ClassifiedBatch> batch = window.classify(frames("s", b, 1), a);
      batch.whenComplete((r, e) -> completed.add(number));
      out.add(batch);
    }
    open();
    for (int b : new int[] {0, 2, 4}) {
      assertEquals(List.of((long) b), frameNumbers(await(out.get(b)).results()), "batch " + b);
    }
    ExecutionException start = assertThrows(ExecutionException.class, () -> await(out.get(1)));
    assertInstanceOf(IllegalStateException.class, start.getCause());
    assertEquals("A: start of batch 1 failed", start.getCause().getMessage());
    ExecutionException collect = assertThrows(ExecutionException.class, () -> await(out.get(3)));
    assertEquals("A: collect of batch 3 failed", collect.getCause().getMessage());
    assertEquals(List.of(0, 1, 2, 3, 4), completed, "completed in the order given");
  }

  @Test
  void throughAStreamResultsComeOutInOrderEachOnceAcrossSwapsMarkersAndTheEnd() throws Exception {
    ActorSystem<Void> system =
        ActorSystem.create(Behaviors.empty(), "window-test", ConfigFactory.load());
    try {
      // 60 batches of three streams; every 7th holds only an end marker of a stream that then
      // starts again under a new id; the model is swapped every 20 batches.
      Map<String, ScriptedClassifier> models = new HashMap<>();
      for (String v : List.of("A", "B", "C")) {
        models.put(v, new ScriptedClassifier(v, 2, log).collectTaking(1));
      }
      List<List<StreamItem>> batches = new ArrayList<>();
      List<StreamItem> expected = new ArrayList<>();
      Map<String, Long> next = new HashMap<>();
      int generation = 0;
      for (int b = 0; b < 60; b++) {
        List<StreamItem> batch = new ArrayList<>();
        if (b % 7 == 6) {
          for (int s = 0; s < 3; s++) {
            batch.add(new StreamItem.End("s" + s + "-" + generation, null));
          }
          generation++;
        } else {
          for (int i = 0; i < 4; i++) {
            String stream = "s" + (b + i) % 3 + "-" + generation;
            long index = next.merge(stream, 1L, Long::sum) - 1;
            batch.add(new StreamItem.Frame(stream, index, 0, 0, 0, new float[1]));
          }
        }
        expected.addAll(batch);
        batches.add(batch);
      }
      List<ClassifiedBatch> out =
          Source.from(batches)
              .zipWithIndex()
              .mapAsync(
                  InferenceWindow.parallelism(models.get("A")),
                  p -> window.classify(p.first(), models.get(versionFor(p.second().intValue()))))
              .runWith(Sink.seq(), system)
              .toCompletableFuture()
              .get(20, TimeUnit.SECONDS);

      assertEquals(60, out.size());
      List<StreamItem> seen = new ArrayList<>();
      for (int b = 0; b < out.size(); b++) {
        ClassifiedBatch batch = out.get(b);
        for (FrameResult r : batch.results()) {
          assertEquals(versionFor(b), r.model(), "batch " + b);
          seen.add(new StreamItem.Frame(r.stream(), r.frame(), 0, 0, 0, null));
        }
        seen.addAll(batch.markers());
      }
      assertEquals(describe(expected), describe(seen), "every item once, in order");
      assertEquals(1, models.get("A").closes());
      assertEquals(1, models.get("B").closes());
      assertEquals(0, models.get("C").closes());
      for (ScriptedClassifier c : models.values()) {
        assertTrue(c.mostInFlight() <= 2, c.modelVersion() + ": " + c.mostInFlight());
      }
      assertTrue(log.indexOf("A close") < log.indexOf("B start 0"), log.toString());
      assertTrue(log.indexOf("B close") < log.indexOf("C start 0"), log.toString());
    } finally {
      system.terminate();
    }
  }

  @Test
  void theStageHoldsOneBatchMoreThanTheWindowOnlyWhereBatchesOverlap() {
    // One batch at a time (the CPU): the stage holds it alone, as before the window existed.
    assertEquals(1, InferenceWindow.parallelism(new ScriptedClassifier("CPU", 1, log)));
    // Two in flight and the next one ready to start the moment the oldest is collected.
    assertEquals(3, InferenceWindow.parallelism(new ScriptedClassifier("GPU", 2, log)));
  }

  private static String versionFor(int batch) {
    return List.of("A", "B", "C").get(batch / 20);
  }

  private static List<String> describe(List<StreamItem> items) {
    List<String> d = new ArrayList<>(items.size());
    for (StreamItem item : items) {
      d.add(
          item instanceof StreamItem.Frame f
              ? f.stream() + "#" + f.index()
              : item.getClass().getSimpleName() + " " + item.stream());
    }
    return d;
  }

  private static List<Long> frameNumbers(List<FrameResult> results) {
    return results.stream().map(FrameResult::frame).toList();
  }
}
