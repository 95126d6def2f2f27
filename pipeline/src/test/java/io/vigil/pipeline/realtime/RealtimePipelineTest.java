package io.vigil.pipeline.realtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.vigil.engine.model.InputContract;
import io.vigil.pipeline.result.RegionOfInterest;
import io.vigil.pipeline.stream.PipelineMetrics;
import io.vigil.pipeline.stream.ScriptedClassifier;
import io.vigil.pipeline.stream.StreamMetrics;
import io.vigil.pipeline.video.Preprocessing;
import io.vigil.pipeline.video.ResizeMode;
import io.vigil.pipeline.video.SampleVideos;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real-time mode: bounded latency and counted drops under overload, none without; live changes. */
class RealtimePipelineTest {

  private static final InputContract GRAY_28 = new InputContract(1, 28, 28, 0.5f, 0.5f);
  private static final Path TREE = SampleVideos.file("tree.avi");
  private static ActorSystem<Void> system;

  @TempDir Path tmp;

  @BeforeAll
  static void start() {
    system = ActorSystem.create(Behaviors.empty(), "realtime-test", ConfigFactory.load());
  }

  @AfterAll
  static void stop() {
    system.terminate();
  }

  private static RealtimeSettings settings(int buffer, DropPolicy policy, int batch) {
    return RealtimeSettings.from(ConfigFactory.load())
        .withBuffer(buffer, policy)
        .withBatch(batch, Duration.ofMillis(5));
  }

  @Test
  void overloadDropsFramesCountsEveryDropAndKeepsLatencyBounded() throws Exception {
    int buffer = 8;
    int batch = 4;
    long batchMillis = 40;
    // 4 streams × 50 fps = 200 frames/s offered; the engine takes 4 frames per 40 ms = 100/s.
    RealtimePipeline pipeline =
        RealtimePipeline.start(
            system,
            settings(buffer, DropPolicy.DROP_OLDEST, batch),
            new FakeClassifier(batchMillis),
            GRAY_28,
            tmp);
    for (int s = 0; s < 4; s++) {
      pipeline.add(SourceSpec.file("cam" + s, TREE, 50, true));
    }
    awaitFlowing(pipeline);
    Thread.sleep(3000);
    PipelineMetrics m = pipeline.stop(Duration.ofSeconds(5));

    // A frame waits for at most the buffer ahead of it and the batch in the engine:
    // (buffer / batch + 1) batch times, plus the batcher's wait: 125 ms here. Three times that,
    // for a busy shared machine; without the bound, latency would grow with the run (seconds).
    double bound = 3 * ((buffer / batch + 1) * batchMillis + 5);
    for (StreamMetrics s : m.streams()) {
      assertTrue(s.dropped() > 0, "drops under overload: " + m.describe());
      assertEquals(s.framesIn(), s.framesOut() + s.dropped(), "every frame out or dropped: " + s);
      assertTrue(s.latency().p99() < bound, "p99 under " + bound + " ms: " + m.describe());
      long lines = Files.readAllLines(tmp.resolve(s.stream() + ".jsonl")).size();
      assertEquals(s.framesOut(), lines, "one line per frame out for " + s.stream());
      assertTrue(Files.exists(tmp.resolve(s.stream() + ".summary.json")));
    }
    assertTrue(m.maxQueueDepth() <= buffer, m.describe());
  }

  @Test
  void aFastEngineDropsNothing() throws Exception {
    RealtimePipeline pipeline =
        RealtimePipeline.start(
            system, settings(64, DropPolicy.DROP_OLDEST, 16), new FakeClassifier(0), GRAY_28, tmp);
    for (int s = 0; s < 4; s++) {
      pipeline.add(SourceSpec.file("cam" + s, TREE, 30, true));
    }
    awaitFlowing(pipeline);
    Thread.sleep(2000);
    PipelineMetrics m = pipeline.stop(Duration.ofSeconds(5));
    assertEquals(0, m.dropped(), m.describe());
    for (StreamMetrics s : m.streams()) {
      assertTrue(s.framesOut() >= 30, "frames flowed: " + m.describe());
      assertEquals(s.framesIn(), s.framesOut(), s.toString());
    }
  }

  @Test
  void dropNewestAndSkipEveryNthAlsoCountTheirDrops() throws Exception {
    for (DropPolicy policy :
        new DropPolicy[] {DropPolicy.DROP_NEWEST, DropPolicy.parse("skip-every-nth", 3)}) {
      Path out = Files.createDirectories(tmp.resolve(policy.kind().name()));
      RealtimePipeline pipeline =
          RealtimePipeline.start(
              system, settings(8, policy, 4), new FakeClassifier(40), GRAY_28, out);
      for (int s = 0; s < 3; s++) {
        pipeline.add(SourceSpec.file("cam" + s, TREE, 50, true));
      }
      awaitFlowing(pipeline);
      Thread.sleep(1500);
      PipelineMetrics m = pipeline.stop(Duration.ofSeconds(5));
      assertTrue(m.dropped() > 0, policy + ": " + m.describe());
      for (StreamMetrics s : m.streams()) {
        assertEquals(s.framesIn(), s.framesOut() + s.dropped(), policy + ": " + s);
      }
    }
  }

  @Test
  void streamsAreAddedAndRemovedWhileTheOthersRun() throws Exception {
    RealtimePipeline pipeline =
        RealtimePipeline.start(
            system, settings(64, DropPolicy.DROP_OLDEST, 8), new FakeClassifier(0), GRAY_28, tmp);
    CompletionStage<StreamMetrics> a = pipeline.add(SourceSpec.file("a", TREE, 40, true));
    pipeline.add(SourceSpec.file("b", TREE, 40, true));
    awaitFlowing(pipeline);
    Thread.sleep(700);
    assertThrows(
        IllegalArgumentException.class, () -> pipeline.add(SourceSpec.file("a", TREE, 40, true)));

    pipeline.remove("a");
    StreamMetrics removed = a.toCompletableFuture().get(5, TimeUnit.SECONDS);
    assertTrue(removed.framesOut() > 0, removed.toString());
    assertEquals(removed.framesIn(), removed.framesOut(), removed.toString());
    long bBefore = framesOut(pipeline, "b");
    CompletionStage<StreamMetrics> c = pipeline.add(SourceSpec.file("c", TREE, 40, true));
    awaitFlowing(pipeline);
    Thread.sleep(700);
    assertEquals(java.util.Set.of("b", "c"), pipeline.streams());
    assertTrue(framesOut(pipeline, "b") > bBefore + 10, "b goes on: " + pipeline.metrics());
    assertTrue(framesOut(pipeline, "c") > 10, "c started: " + pipeline.metrics());
    assertEquals(removed.framesOut(), framesOut(pipeline, "a"), "a stopped");

    PipelineMetrics m = pipeline.stop(Duration.ofSeconds(5));
    assertTrue(c.toCompletableFuture().isDone());
    assertEquals(0, m.dropped(), m.describe());
    assertEquals(removed.framesOut(), Files.readAllLines(tmp.resolve("a.jsonl")).size());
  }

  @Test
  void withTwoBatchesInFlightEveryStreamsResultsStayInOrderToItsEnd() throws Exception {
    List<String> log = Collections.synchronizedList(new ArrayList<>());
    // Start and collect apart, as on a GPU; a collect takes a while, as waiting for one does.
    ScriptedClassifier device = new ScriptedClassifier("device", 2, log).collectTaking(20);
    RealtimePipeline pipeline =
        RealtimePipeline.start(
            system, settings(64, DropPolicy.DROP_OLDEST, 8), device, GRAY_28, tmp);
    List<CompletableFuture<StreamMetrics>> ended = new ArrayList<>();
    for (int s = 0; s < 3; s++) {
      ended.add(pipeline.add(SourceSpec.file("cam" + s, TREE, 200, false)).toCompletableFuture());
    }
    for (CompletableFuture<StreamMetrics> end : ended) {
      StreamMetrics m = end.get(20, TimeUnit.SECONDS);
      assertEquals(68, m.framesIn(), m.toString());
      assertEquals(m.framesIn(), m.framesOut() + m.dropped(), m.toString());
      List<String> lines = Files.readAllLines(tmp.resolve(m.stream() + ".jsonl"));
      assertEquals(m.framesOut(), lines.size(), m.stream());
      long last = -1;
      for (String line : lines) {
        long frame =
            new com.fasterxml.jackson.databind.ObjectMapper().readTree(line).get("frame").asLong();
        assertTrue(frame > last, m.stream() + ": frame " + frame + " after " + last);
        last = frame;
      }
    }
    pipeline.stop(Duration.ofSeconds(5));
    assertTrue(device.mostInFlight() <= 2, "in flight: " + device.mostInFlight());
    assertEquals(1, device.closes());
  }

  @Test
  void aFileThatCannotBeReadEndsOnlyItsOwnStream() throws Exception {
    Path bad = Files.writeString(tmp.resolve("bad.mp4"), "not a video\n".repeat(40));
    RealtimePipeline pipeline =
        RealtimePipeline.start(
            system, settings(64, DropPolicy.DROP_OLDEST, 8), new FakeClassifier(0), GRAY_28, tmp);
    CompletionStage<StreamMetrics> broken = pipeline.add(SourceSpec.file("bad", bad, 0, false));
    pipeline.add(SourceSpec.file("good", TREE, 40, true));
    StreamMetrics b = broken.toCompletableFuture().get(20, TimeUnit.SECONDS);
    assertEquals(0, b.framesOut());
    awaitFlowing(pipeline);
    Thread.sleep(500);
    assertEquals(java.util.Set.of("good"), pipeline.streams());
    assertTrue(framesOut(pipeline, "good") > 5, pipeline.metrics().describe());
    pipeline.stop(Duration.ofSeconds(5));
  }

  @Test
  void aRegionOfInterestOutsideTheFramesFailsOnlyItsOwnStreamNamingIt() throws Exception {
    RealtimePipeline pipeline =
        RealtimePipeline.start(
            system, settings(64, DropPolicy.DROP_OLDEST, 8), new FakeClassifier(0), GRAY_28, tmp);
    Preprocessing outside = Preprocessing.STRETCH.withRoi(new RegionOfInterest(300, 0, 64, 64));
    Preprocessing inside =
        Preprocessing.STRETCH
            .withResize(ResizeMode.LETTERBOX)
            .withRoi(new RegionOfInterest(100, 40, 200, 100));
    CompletionStage<StreamMetrics> cut =
        pipeline.add(SourceSpec.file("cut", TREE, 200, false).withPreprocessing(outside));
    CompletionStage<StreamMetrics> boxed =
        pipeline.add(SourceSpec.file("boxed", TREE, 200, false).withPreprocessing(inside));
    StreamMetrics failed = cut.toCompletableFuture().get(20, TimeUnit.SECONDS);
    StreamMetrics whole = boxed.toCompletableFuture().get(20, TimeUnit.SECONDS);
    pipeline.stop(Duration.ofSeconds(5));
    assertEquals(0, failed.framesOut());
    assertEquals(
        "cut: region of interest x=300 y=0 width=64 height=64 does not fit in the 320×240 frame"
            + " (x + width = 364 > frame width 320)",
        pipeline.failures().get("cut"));
    assertEquals(68, whole.framesOut(), "the other stream is whole: " + whole);
  }

  @Test
  void corruptFramesOfADamagedFileAreCountedInMetricsAndSummary() throws Exception {
    // Random bytes in the middle of Megamind.avi: FFmpeg conceals one frame and loses others
    // (VideoDecoderTest pins the numbers). Offline analysis counts damaged + errors + lost as
    // corrupt; a real-time stream of the same file must count the same.
    Path damaged =
        SampleVideos.damagedCopy(
            SampleVideos.file("Megamind.avi"), tmp.resolve("damaged.avi"), 600_000, 50_000);
    long expected;
    try (io.vigil.pipeline.video.VideoDecoder decoder =
        io.vigil.pipeline.video.VideoDecoder.open(damaged)) {
      while (decoder.next() != null) {
        // decode it all for the final report
      }
      io.vigil.pipeline.result.DecodeReport r = decoder.report();
      expected = r.damagedFrames() + r.decodeErrors() + r.framesLost();
    }
    assertTrue(expected >= 14, "the damage is seen offline: " + expected);
    RealtimePipeline pipeline =
        RealtimePipeline.start(
            system, settings(64, DropPolicy.DROP_OLDEST, 8), new FakeClassifier(0), GRAY_28, tmp);
    CompletionStage<StreamMetrics> bad = pipeline.add(SourceSpec.file("bad", damaged, 100, false));
    CompletionStage<StreamMetrics> clean =
        pipeline.add(SourceSpec.file("bugy", SampleVideos.file("Megamind_bugy.avi"), 100, false));
    StreamMetrics b = bad.toCompletableFuture().get(30, TimeUnit.SECONDS);
    StreamMetrics c = clean.toCompletableFuture().get(30, TimeUnit.SECONDS);
    PipelineMetrics m = pipeline.stop(Duration.ofSeconds(5));
    assertEquals(expected, b.corrupt(), m.describe());
    // Counted as decoded, whatever the buffer may have dropped on a busy machine.
    assertEquals(256, b.framesIn(), m.describe());
    // Megamind_bugy.avi decodes cleanly despite its name (FFmpeg reports no error): nothing
    // corrupt.
    assertEquals(0, c.corrupt(), m.describe());
    assertEquals(270, c.framesIn(), m.describe());
    assertTrue(
        m.describe().contains(" before conversion), " + expected + " corrupt, 0 disconnects"),
        m.describe());
    com.fasterxml.jackson.databind.JsonNode summary =
        new com.fasterxml.jackson.databind.ObjectMapper()
            .readTree(tmp.resolve("bad.summary.json").toFile());
    assertEquals(expected, summary.get("corrupt").asLong(), summary.toString());
  }

  @Test
  void anAnnotatedVideoHasOneFrameForEveryClassifiedFrame() throws Exception {
    RealtimePipeline pipeline =
        RealtimePipeline.start(
            system, settings(64, DropPolicy.DROP_OLDEST, 8), new FakeClassifier(0), GRAY_28, tmp);
    Path video = tmp.resolve("annotated/tree.mp4");
    StreamMetrics m =
        pipeline
            .add(SourceSpec.file("tree", TREE, 200, false).withAnnotation(video))
            .toCompletableFuture()
            .get(20, TimeUnit.SECONDS);
    pipeline.stop(Duration.ofSeconds(5));
    assertEquals(68, m.framesOut());
    try (io.vigil.pipeline.video.VideoDecoder decoder =
        io.vigil.pipeline.video.VideoDecoder.open(video)) {
      long n = 0;
      while (decoder.next() != null) {
        n++;
      }
      assertEquals(68, n, "frames in the annotated video");
      assertEquals(320, decoder.info().width());
    }
  }

  @Test
  void aMaxRateKeepsFramesAtThatRateWithoutCountingDrops() throws Exception {
    RealtimePipeline pipeline =
        RealtimePipeline.start(
            system, settings(64, DropPolicy.DROP_OLDEST, 8), new FakeClassifier(0), GRAY_28, tmp);
    // 68 frames released at 100 fps (0.68 s), kept at 25 fps: about 17.
    StreamMetrics m =
        pipeline
            .add(SourceSpec.file("slow", TREE, 100, false).withMaxRate(25))
            .toCompletableFuture()
            .get(20, TimeUnit.SECONDS);
    pipeline.stop(Duration.ofSeconds(5));
    assertTrue(m.framesOut() >= 12 && m.framesOut() <= 22, m.toString());
    assertEquals(0, m.dropped(), m.toString());
  }

  @Test
  void anImageSequenceIsAStreamToo() throws Exception {
    Path frames = Files.createDirectories(tmp.resolve("frames"));
    try (org.bytedeco.opencv.opencv_core.Mat image =
        new org.bytedeco.opencv.opencv_core.Mat(
            48, 64, org.bytedeco.opencv.global.opencv_core.CV_8UC3)) {
      for (int i = 1; i <= 12; i++) {
        org.bytedeco.opencv.global.opencv_imgcodecs.imwrite(
            frames.resolve(String.format("img%03d.png", i)).toString(), image);
      }
    }
    RealtimePipeline pipeline =
        RealtimePipeline.start(
            system, settings(64, DropPolicy.DROP_OLDEST, 8), new FakeClassifier(0), GRAY_28, tmp);
    StreamMetrics m =
        pipeline
            .add(SourceSpec.images("seq", frames.resolve("img%03d.png").toString(), 60, false))
            .toCompletableFuture()
            .get(20, TimeUnit.SECONDS);
    pipeline.stop(Duration.ofSeconds(5));
    assertEquals(12, m.framesOut(), m.toString());
  }

  /**
   * Waits (up to 20 s) until every running stream has delivered a frame: the first streams of a JVM
   * wait for FFmpeg's and OpenCV's natives to load.
   */
  private static void awaitFlowing(RealtimePipeline pipeline) throws InterruptedException {
    long deadline = System.nanoTime() + 20_000_000_000L;
    while (System.nanoTime() < deadline) {
      boolean all = true;
      for (String id : pipeline.streams()) {
        all &= framesOut(pipeline, id) > 0;
      }
      if (all) {
        return;
      }
      Thread.sleep(20);
    }
    throw new AssertionError("streams did not start within 20 s: " + pipeline.metrics().describe());
  }

  private static long framesOut(RealtimePipeline pipeline, String stream) {
    return pipeline.metrics().streams().stream()
        .filter(s -> s.stream().equals(stream))
        .mapToLong(StreamMetrics::framesOut)
        .sum();
  }

  @Test
  void aResultThatCannotBeWrittenEndsThePipelineAsAFailure() throws Exception {
    // The results folder is taken by a file once the pipeline has started: the first result
    // cannot be written, and that must show as a failure, not as a run with no results.
    Path out = tmp.resolve("out");
    RealtimePipeline pipeline =
        RealtimePipeline.start(
            system, settings(16, DropPolicy.DROP_OLDEST, 4), new FakeClassifier(0), GRAY_28, out);
    Files.writeString(out, "not a folder");
    pipeline.add(SourceSpec.file("tree", TREE, 0, false));
    java.util.concurrent.ExecutionException failed =
        assertThrows(
            java.util.concurrent.ExecutionException.class,
            () -> pipeline.terminated().toCompletableFuture().get(30, TimeUnit.SECONDS));
    assertTrue(String.valueOf(failed.getCause()).contains(out.toString()), failed.toString());
    pipeline.stop(Duration.ofSeconds(30));
    assertTrue(
        pipeline.terminated().toCompletableFuture().isCompletedExceptionally(),
        "still a failure after stop");
  }
}
