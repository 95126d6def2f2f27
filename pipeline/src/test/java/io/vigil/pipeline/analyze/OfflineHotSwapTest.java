package io.vigil.pipeline.analyze;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import io.vigil.engine.model.Model;
import io.vigil.pipeline.frame.StreamItem;
import io.vigil.pipeline.result.VersionSpan;
import io.vigil.pipeline.stream.ScriptedClassifier;
import io.vigil.pipeline.stream.SwapChecks;
import io.vigil.pipeline.stream.SwapFakes;
import io.vigil.pipeline.stream.SwapReport;
import io.vigil.pipeline.video.LabelSidecar;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * Hot swaps into an offline run whose videos are test probes: the switch falls between batches, no
 * frame is lost or classified twice, each file's summary lists its versions with their accuracy; a
 * misfit changes nothing; a swap the run's end overtakes is cancelled, its classifier closed.
 */
class OfflineHotSwapTest {

  private static ActorSystem<Void> system;

  @TempDir Path tmp;

  private final List<String> log = Collections.synchronizedList(new ArrayList<>());
  private final Model a = SwapFakes.model("a", 1);
  private final Model b = SwapFakes.model("b", 2);
  private final SwapFakes.Loader loader = new SwapFakes.Loader(1, log);
  private final Map<Path, TestPublisher.Probe<StreamItem>> probes = new HashMap<>();
  private final Map<Path, Source<StreamItem, NotUsed>> sources = new HashMap<>();

  @BeforeAll
  static void start() {
    system = ActorSystem.create(Behaviors.empty(), "offline-swap-test", ConfigFactory.load());
  }

  @AfterAll
  static void stop() {
    system.terminate();
  }

  /** Videos fed by probes: each one's items are sent by the test. */
  private List<Path> videos(String... names) {
    List<Path> videos = new ArrayList<>();
    for (String name : names) {
      Path video = tmp.resolve("in").resolve(name);
      Pair<TestPublisher.Probe<StreamItem>, Source<StreamItem, NotUsed>> probe =
          TestSource.<StreamItem>probe(system.classicSystem()).preMaterialize(system);
      probes.put(video, probe.first());
      sources.put(video, probe.second());
      videos.add(video);
    }
    return videos;
  }

  private BatchAnalyzeJob.Running start(
      List<Path> videos, ScriptedClassifier first, Map<Path, Path> labels) throws Exception {
    return new BatchAnalyzeJob(
            system,
            AnalyzeSettings.from(ConfigFactory.load()),
            new BatchSettings(2, 5),
            loader,
            Runnable::run)
        .start(
            videos,
            first,
            SwapFakes.TINY,
            OutputLayout.folder(tmp.resolve("out")),
            labels::get,
            BatchListener.NONE,
            sources::get);
  }

  private void send(Path video, long from, long to) {
    String stream = video.getFileName().toString();
    for (long i = from; i < to; i++) {
      probes.get(video).sendNext(new StreamItem.Frame(stream, i, i * 40_000, 0, 0, new float[4]));
    }
  }

  private void end(Path video) {
    probes.get(video).sendNext(new StreamItem.End(video.getFileName().toString(), null));
    probes.get(video).sendComplete();
  }

  private Path out(String file) {
    return tmp.resolve("out").resolve(file);
  }

  @Test
  void aSwapMidRunFallsBetweenBatchesAndTheSummariesListBothVersionsWithTheirAccuracy()
      throws Exception {
    List<Path> videos = videos("a.mp4", "b.mp4");
    // a.mp4's frames 0-4 are class 0, 5-9 class 1; the fakes answer class 0 for every frame.
    Path labels = Files.createDirectories(tmp.resolve("in")).resolve("a.mp4.labels.csv");
    StringBuilder csv = new StringBuilder(LabelSidecar.HEADER + "\n");
    for (int f = 0; f < 10; f++) {
      csv.append(f).append(f < 5 ? ",0,zero\n" : ",1,one\n");
    }
    Files.writeString(labels, csv);
    Semaphore permits = new Semaphore(0);
    BlockingQueue<List<StreamItem.Frame>> started = new LinkedBlockingQueue<>();
    ScriptedClassifier first =
        new ScriptedClassifier(a.version(), 1, log).gatedBy(permits, started);
    BatchAnalyzeJob.Running run = start(videos, first, Map.of(videos.get(0), labels));

    for (Path v : videos) {
      send(v, 0, 4);
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
    CompletableFuture<SwapReport> swap = run.swap(b).toCompletableFuture();
    assertFalse(swap.isDone(), "the report waits for b's first result");
    permits.release(1000);
    for (Path v : videos) {
      send(v, 4, 10);
      end(v);
    }
    BatchRunReport report = run.report().toCompletableFuture().get(20, TimeUnit.SECONDS);
    SwapReport r = swap.get(20, TimeUnit.SECONDS);

    assertEquals(20, report.frames());
    assertEquals(b.version(), report.model(), "the version serving at the end");
    assertEquals(
        new SwapReport(a.version(), b.version(), r.loadMillis(), r.toFirstResultMillis(), 8), r);
    Map<String, Map<Long, String>> versionOf = new HashMap<>();
    for (String stream : List.of("a.mp4", "b.mp4")) {
      List<JsonNode> results = SwapChecks.results(out(stream + ".jsonl"));
      SwapChecks.assertEveryFrameOnce(results, 10, stream);
      assertEquals(
          List.of(new VersionSpan(a.version(), 0, 3, 4), new VersionSpan(b.version(), 4, 9, 6)),
          SwapChecks.spans(results),
          stream);
      SwapChecks.assertSummaryMatches(SwapChecks.summary(out(stream + ".summary.json")), results);
      versionOf.put(stream, SwapChecks.versionByFrame(results));
    }
    SwapChecks.assertBatchesOfOneVersion(first, false, versionOf);
    SwapChecks.assertBatchesOfOneVersion(loader.built().get(0), true, versionOf);

    JsonNode spans = SwapChecks.summary(out("a.mp4.summary.json")).get("versions");
    assertEquals(4, spans.get(0).get("labeled_frames").asLong());
    assertEquals(4, spans.get(0).get("correct").asLong());
    assertEquals(1.0, spans.get(0).get("accuracy").asDouble());
    assertEquals(6, spans.get(1).get("labeled_frames").asLong());
    assertEquals(1, spans.get(1).get("correct").asLong(), "frame 4 only");
    assertEquals(0.166667, spans.get(1).get("accuracy").asDouble());
    assertFalse(
        SwapChecks.summary(out("b.mp4.summary.json")).get("versions").get(0).has("accuracy"),
        "no accuracy without labels");

    assertEquals(1, first.closes(), "a closed after its last batch");
    assertEquals(0, loader.open(), "b closed at the run's end");
    SwapChecks.assertOneClassifierAtATime(log, Set.of("#0"));
  }

  @Test
  void aMisfitChangesNothingAndASwapTheRunsEndOvertakesIsCancelledAndClosed() throws Exception {
    List<Path> videos = videos("clip.mp4");
    Semaphore permits = new Semaphore(0);
    BlockingQueue<List<StreamItem.Frame>> started = new LinkedBlockingQueue<>();
    ScriptedClassifier first =
        new ScriptedClassifier(a.version(), 1, log).gatedBy(permits, started);
    BatchAnalyzeJob.Running run = start(videos, first, Map.of());
    send(videos.get(0), 0, 6);
    Model cats = SwapFakes.model("cats", 3, SwapFakes.TINY, List.of("cat", "dog"));
    ExecutionException misfit =
        assertThrows(ExecutionException.class, () -> run.swap(cats).toCompletableFuture().get());
    assertInstanceOf(IllegalArgumentException.class, misfit.getCause());
    assertTrue(
        misfit.getCause().getMessage().contains(a.version()), misfit.getCause().getMessage());
    assertEquals(0, loader.built().size());
    // Every frame is in a batch of a's before the end marker is sent: no batch with frames is left
    // for b, which the run's end then overtakes.
    long taken = 0;
    while (taken < 6) {
      List<StreamItem.Frame> batch = started.poll(20, TimeUnit.SECONDS);
      assertNotNull(batch, "a batch started on a");
      taken += batch.size();
      if (taken < 6) {
        permits.release();
      }
    }
    end(videos.get(0));
    CompletableFuture<SwapReport> late = run.swap(b).toCompletableFuture();
    permits.release(1000);
    BatchRunReport report = run.report().toCompletableFuture().get(20, TimeUnit.SECONDS);

    assertEquals(6, report.frames());
    assertEquals(a.version(), report.model());
    assertTrue(late.isDone(), "every swap has its answer when the report comes");
    CancellationException cancelled = assertThrows(CancellationException.class, late::get);
    assertTrue(cancelled.getMessage().contains("closed"), cancelled.getMessage());
    List<JsonNode> results = SwapChecks.results(out("clip.mp4.jsonl"));
    SwapChecks.assertEveryFrameOnce(results, 6, "clip.mp4");
    assertEquals(List.of(new VersionSpan(a.version(), 0, 5, 6)), SwapChecks.spans(results));
    SwapChecks.assertSummaryMatches(SwapChecks.summary(out("clip.mp4.summary.json")), results);
    assertEquals(1, first.closes());
    assertEquals(0, loader.open(), "b closed though no batch took it");
  }
}
