package io.vigil.pipeline.realtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import io.vigil.engine.model.Model;
import io.vigil.pipeline.frame.FrameClassifier;
import io.vigil.pipeline.frame.StreamItem;
import io.vigil.pipeline.result.VersionSpan;
import io.vigil.pipeline.stream.ScriptedClassifier;
import io.vigil.pipeline.stream.StreamMetrics;
import io.vigil.pipeline.stream.SwapChecks;
import io.vigil.pipeline.stream.SwapFakes;
import io.vigil.pipeline.stream.SwapReport;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.testkit.TestPublisher;
import org.apache.pekko.stream.testkit.javadsl.TestSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hot swaps into a running real-time pipeline fed by test probes: the switch falls between batches,
 * every frame of every stream comes out once, the summaries list the versions; misfits and failed
 * trials change nothing; many swaps in a row leave one classifier open.
 */
class RealtimeHotSwapTest {

  private static ActorSystem<Void> system;

  @TempDir Path tmp;

  private final List<String> log = Collections.synchronizedList(new ArrayList<>());
  private final Model a = SwapFakes.model("a", 1);
  private final Model b = SwapFakes.model("b", 2);
  private final List<CompletableFuture<StreamMetrics>> ended = new ArrayList<>();

  @BeforeAll
  static void start() {
    system = ActorSystem.create(Behaviors.empty(), "realtime-swap-test", ConfigFactory.load());
  }

  @AfterAll
  static void stop() {
    system.terminate();
  }

  /** A buffer that holds every frame of these tests, and no shedding for lag: nothing dropped. */
  private static RealtimeSettings settings() {
    return RealtimeSettings.from(ConfigFactory.load())
        .withBuffer(1024, DropPolicy.DROP_OLDEST)
        .withBatch(4, Duration.ofMillis(5))
        .withMaxSourceLag(Duration.ZERO);
  }

  /** Adds stream {@code id} fed by the returned probe. */
  private TestPublisher.Probe<StreamItem> stream(RealtimePipeline pipeline, String id) {
    Pair<TestPublisher.Probe<StreamItem>, Source<StreamItem, NotUsed>> probe =
        TestSource.<StreamItem>probe(system.classicSystem()).preMaterialize(system);
    ended.add(pipeline.add(id, probe.second()).toCompletableFuture());
    return probe.first();
  }

  private static StreamItem.Frame frame(String stream, long index) {
    return new StreamItem.Frame(stream, index, index * 40_000, 0, 0, new float[4]);
  }

  private List<StreamMetrics> awaitEnded() throws Exception {
    List<StreamMetrics> all = new ArrayList<>();
    for (CompletableFuture<StreamMetrics> e : ended) {
      all.add(e.get(20, TimeUnit.SECONDS));
    }
    return all;
  }

  @Test
  void aSwapFallsBetweenBatchesAndEveryFrameOfEveryStreamComesOutOnce() throws Exception {
    Semaphore permits = new Semaphore(0);
    BlockingQueue<List<StreamItem.Frame>> started = new LinkedBlockingQueue<>();
    ScriptedClassifier first =
        new ScriptedClassifier(a.version(), 1, log).gatedBy(permits, started);
    SwapFakes.Loader loader = new SwapFakes.Loader(1, log);
    RealtimePipeline pipeline =
        RealtimePipeline.start(
            system, settings(), first, loader, SwapFakes.TINY, tmp, Runnable::run);
    List<String> ids = List.of("cam0", "cam1");
    List<TestPublisher.Probe<StreamItem>> probes = new ArrayList<>();
    for (String id : ids) {
      probes.add(stream(pipeline, id));
    }
    for (int i = 0; i < 4; i++) {
      for (int s = 0; s < 2; s++) {
        probes.get(s).sendNext(frame(ids.get(s), i));
      }
    }
    // a's batches come out one by one until all eight frames are in them; the last one stays in.
    Set<String> taken = new HashSet<>();
    while (taken.size() < 8) {
      List<StreamItem.Frame> batch = started.poll(20, TimeUnit.SECONDS);
      assertNotNull(batch, "a batch started on a: " + taken);
      batch.forEach(f -> taken.add(f.stream() + "/" + f.index()));
      if (taken.size() < 8) {
        permits.release();
      }
    }
    // Loaded on this thread: b is on offer once swap returns, while a still holds a batch.
    CompletableFuture<SwapReport> report = pipeline.swap(b).toCompletableFuture();
    permits.release(1000);
    for (int i = 4; i < 12; i++) {
      for (int s = 0; s < 2; s++) {
        probes.get(s).sendNext(frame(ids.get(s), i));
      }
    }
    probes.forEach(TestPublisher.Probe::sendComplete);
    List<StreamMetrics> metrics = awaitEnded();
    SwapReport r = report.get(20, TimeUnit.SECONDS);
    pipeline.stop(Duration.ofSeconds(5));

    Map<String, Map<Long, String>> versionOf = new HashMap<>();
    for (String id : ids) {
      List<JsonNode> results = SwapChecks.results(tmp.resolve(id + ".jsonl"));
      SwapChecks.assertEveryFrameOnce(results, 12, id);
      assertEquals(
          List.of(new VersionSpan(a.version(), 0, 3, 4), new VersionSpan(b.version(), 4, 11, 8)),
          SwapChecks.spans(results),
          id + ": one switch, after the frames a took");
      SwapChecks.assertSummaryMatches(
          SwapChecks.summary(tmp.resolve(id + ".summary.json")), results);
      versionOf.put(id, SwapChecks.versionByFrame(results));
    }
    SwapChecks.assertBatchesOfOneVersion(first, false, versionOf);
    SwapChecks.assertBatchesOfOneVersion(loader.built().get(0), true, versionOf);
    assertEquals(
        new SwapReport(a.version(), b.version(), r.loadMillis(), r.toFirstResultMillis(), 8), r);
    assertTrue(r.toFirstResultMillis() >= r.loadMillis(), r.toString());
    metrics.forEach(m -> assertEquals(0, m.dropped(), m.toString()));
    assertEquals(b.version(), pipeline.modelVersion());
    assertEquals(1, first.closes());
    assertEquals(0, loader.open(), "the pipeline closed b");
    SwapChecks.assertOneClassifierAtATime(log, Set.of("#0"));
  }

  @Test
  void aMisfitOrAFailedTrialIsRefusedAndTheOldModelServesOn() throws Exception {
    List<ScriptedClassifier> built = new ArrayList<>();
    Function<Model, FrameClassifier> failing =
        m -> {
          ScriptedClassifier s = new ScriptedClassifier(m.version(), 1, log).failingStartOf(0);
          built.add(s);
          return s;
        };
    ScriptedClassifier first = new ScriptedClassifier(a.version(), 1, log);
    // Loads on the pipeline's own loader thread.
    RealtimePipeline pipeline =
        RealtimePipeline.start(system, settings(), first, failing, SwapFakes.TINY, tmp);
    TestPublisher.Probe<StreamItem> cam = stream(pipeline, "cam");
    for (int i = 0; i < 5; i++) {
      cam.sendNext(frame("cam", i));
    }
    Model cats = SwapFakes.model("cats", 3, SwapFakes.TINY, List.of("cat", "dog"));
    ExecutionException misfit =
        assertThrows(
            ExecutionException.class, () -> pipeline.swap(cats).toCompletableFuture().get());
    assertInstanceOf(IllegalArgumentException.class, misfit.getCause());
    assertTrue(
        misfit
            .getCause()
            .getMessage()
            .contains(cats.version() + " does not fit the pipeline serving " + a.version()),
        misfit.getCause().getMessage());
    assertEquals(0, built.size(), "nothing built for a misfit");
    ExecutionException trial =
        assertThrows(ExecutionException.class, () -> pipeline.swap(b).toCompletableFuture().get());
    assertInstanceOf(IllegalStateException.class, trial.getCause());
    assertTrue(
        trial.getCause().getMessage().contains("failed its trial batch"),
        trial.getCause().getMessage());
    assertEquals(1, built.get(0).closes(), "the classifier that failed its trial is closed");
    for (int i = 5; i < 10; i++) {
      cam.sendNext(frame("cam", i));
    }
    cam.sendComplete();
    awaitEnded();
    pipeline.stop(Duration.ofSeconds(5));

    List<JsonNode> results = SwapChecks.results(tmp.resolve("cam.jsonl"));
    SwapChecks.assertEveryFrameOnce(results, 10, "cam");
    assertEquals(List.of(new VersionSpan(a.version(), 0, 9, 10)), SwapChecks.spans(results));
    SwapChecks.assertSummaryMatches(SwapChecks.summary(tmp.resolve("cam.summary.json")), results);
    assertEquals(a.version(), pipeline.modelVersion());
    assertEquals(1, first.closes());
  }

  @Test
  void twoHundredAlternatingSwapsWhileFramesFlowLeaveOneClassifierOpen() throws Exception {
    // Two batches in flight, as on a GPU: the window must still never mix classifiers.
    BlockingQueue<List<StreamItem.Frame>> started = new LinkedBlockingQueue<>();
    ScriptedClassifier first =
        new ScriptedClassifier(a.version(), 2, log).gatedBy(new Semaphore(1_000_000), started);
    SwapFakes.Loader loader = new SwapFakes.Loader(2, log);
    RealtimePipeline pipeline =
        RealtimePipeline.start(
            system, settings(), first, loader, SwapFakes.TINY, tmp, Runnable::run);
    TestPublisher.Probe<StreamItem> cam = stream(pipeline, "cam");
    // a takes the first batch, so that every swap that comes in follows a version that ran.
    long sent = 0;
    cam.sendNext(frame("cam", sent++));
    assertNotNull(started.poll(20, TimeUnit.SECONDS), "a took the first batch");
    List<CompletableFuture<SwapReport>> reports = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      reports.add(pipeline.swap(i % 2 == 0 ? b : a).toCompletableFuture());
      cam.sendNext(frame("cam", sent++));
      if (i % 3 == 0) {
        cam.sendNext(frame("cam", sent++));
      }
    }
    // The last swap is on offer: the next frame's batch takes it.
    cam.sendNext(frame("cam", sent++));
    SwapReport last = reports.get(199).get(20, TimeUnit.SECONDS);
    assertEquals(a.version(), last.toVersion());
    long open = loader.open() + (first.closes() == 0 ? 1 : 0);
    assertEquals(
        1, open, "one classifier open while the pipeline runs, of " + (loader.built().size() + 1));
    cam.sendComplete();
    StreamMetrics m = awaitEnded().get(0);
    pipeline.stop(Duration.ofSeconds(5));

    assertEquals(0, loader.open(), "none open once the pipeline is closed");
    assertEquals(1, first.closes());
    loader.built().forEach(c -> assertEquals(1, c.closes(), "each closed once"));
    assertEquals(0, m.dropped(), m.toString());
    List<JsonNode> results = SwapChecks.results(tmp.resolve("cam.jsonl"));
    SwapChecks.assertEveryFrameOnce(results, sent, "cam");
    SwapChecks.assertSummaryMatches(SwapChecks.summary(tmp.resolve("cam.summary.json")), results);
    Map<String, Map<Long, String>> versionOf = Map.of("cam", SwapChecks.versionByFrame(results));
    SwapChecks.assertBatchesOfOneVersion(first, false, versionOf);
    Set<String> tried = new HashSet<>();
    for (int i = 0; i < loader.built().size(); i++) {
      SwapChecks.assertBatchesOfOneVersion(loader.built().get(i), true, versionOf);
      tried.add("#" + i);
    }
    SwapChecks.assertOneClassifierAtATime(log, tried);

    // Each swap either came in (its report) or was superseded before its first batch.
    long switches = 0;
    long cancelled = 0;
    for (CompletableFuture<SwapReport> r : reports) {
      assertTrue(r.isDone());
      if (r.isCompletedExceptionally()) {
        assertThrows(CancellationException.class, r::get);
        cancelled++;
      } else if (!r.get().fromVersion().equals(r.get().toVersion())) {
        switches++;
      }
    }
    assertEquals(switches, SwapChecks.spans(results).size() - 1, "a version change per switch");
    assertTrue(
        switches > 0 && cancelled + switches <= 200,
        switches + " switches, " + cancelled + " superseded");
  }
}
