package io.vigil.pipeline.realtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.japi.function.Effect;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real-time mode: under overload the frames waiting stay bounded and every drop is counted, none
 * without; live changes.
 */
class RealtimePipelineTest {

  private static final InputContract GRAY_28 = new InputContract(1, 28, 28, 0.5f, 0.5f);
  private static final Path TREE = SampleVideos.file("tree.avi");
  private static ActorSystem<Void> system;
  private static TestProbe<Object> waits;

  @TempDir Path tmp;

  @BeforeAll
  static void start() {
    system = ActorSystem.create(Behaviors.empty(), "realtime-test", ConfigFactory.load());
    waits = TestProbe.create(system);
  }

  @AfterAll
  static void stop() {
    system.terminate();
  }

  /**
   * The files of these tests play faster than real time, to be quick; a loaded machine may fall
   * behind that pace, and shedding for it is not what they test ({@code SheddingUnderOverloadTest}
   * tests it).
   */
  private static RealtimeSettings settings(int buffer, DropPolicy policy, int batch) {
    return RealtimeSettings.from(ConfigFactory.load())
        .withBuffer(buffer, policy)
        .withBatch(batch, Duration.ofMillis(5))
        .withMaxSourceLag(Duration.ZERO);
  }

  @Test
  void overloadDropsFramesCountsEveryDropAndBoundsWhatWaits() throws Exception {
    int buffer = 8;
    int batch = 4;
    // 4 streams × 50 fps offered to an engine that takes nothing until the test lets it through:
    // the heaviest overload, with no clock to race.
    FakeClassifier engine = FakeClassifier.gated();
    RealtimePipeline pipeline =
        RealtimePipeline.start(
            system, settings(buffer, DropPolicy.DROP_OLDEST, batch), engine, GRAY_28, tmp);
    for (int s = 0; s < 4; s++) {
      pipeline.add(SourceSpec.file("cam" + s, TREE, 50, true));
    }
    // A frame waits in the buffer or in the batch the engine holds, nowhere else: however long the
    // engine stalls, the frames waiting stay within that, and every other frame is dropped and
    // counted. That bound is what keeps latency bounded (bench/pipeline/run.sh measures it).
    AtomicLong mostWaitingStalled = new AtomicLong();
    try {
      await(
          () -> {
            mostWaitingStalled.accumulateAndGet(waiting(pipeline), Math::max);
            assertEveryStream(pipeline, 4, s -> s.dropped() >= 25, "25 frames dropped");
          });
      assertEquals(1, engine.batchesTaken(), "the engine holds the first batch only");
      // Plus one: a snapshot taken on another thread can see a frame counted in on its way into
      // the buffer, before the buffer has kept or dropped it.
      assertTrue(
          mostWaitingStalled.get() <= buffer + batch + 1,
          mostWaitingStalled + " frames waiting: " + pipeline.metrics().describe());

      // Ten batches through while the sources go on: each is written, and the frames waiting
      // meanwhile are at most the buffer, the batch in the engine and the one being written.
      AtomicLong mostWaiting = new AtomicLong();
      engine.letThrough(10);
      await(
          () -> {
            mostWaiting.accumulateAndGet(waiting(pipeline), Math::max);
            assertEquals(10, engine.batchesClassified());
            assertEquals(
                engine.framesClassified(), pipeline.metrics().framesOut(), "written as classified");
          });
      assertTrue(
          mostWaiting.get() <= buffer + 2 * batch + 1,
          mostWaiting + " frames waiting: " + pipeline.metrics().describe());
    } finally {
      engine.open();
    }
    PipelineMetrics m = pipeline.stop(Duration.ofSeconds(5));

    assertEquals(4, m.streams().size(), m.describe());
    for (StreamMetrics s : m.streams()) {
      assertTrue(s.dropped() > 0, "drops under overload: " + m.describe());
      assertEquals(s.framesIn(), s.framesOut() + s.dropped(), "every frame out or dropped: " + s);
      long lines = Files.readAllLines(tmp.resolve(s.stream() + ".jsonl")).size();
      assertEquals(s.framesOut(), lines, "one line per frame out for " + s.stream());
      assertTrue(Files.exists(tmp.resolve(s.stream() + ".summary.json")));
    }
    assertEquals(
        buffer, m.maxQueueDepth(), "the buffer filled, and never held more: " + m.describe());
  }

  @Test
  void aFastEngineDropsNothing() throws Exception {
    RealtimePipeline pipeline =
        RealtimePipeline.start(
            system, settings(64, DropPolicy.DROP_OLDEST, 16), new FakeClassifier(), GRAY_28, tmp);
    for (int s = 0; s < 4; s++) {
      pipeline.add(SourceSpec.file("cam" + s, TREE, 30, true));
    }
    // About 2 s of each stream.
    await(() -> assertEveryStream(pipeline, 4, s -> s.framesOut() >= 60, "60 frames out"));
    PipelineMetrics m = pipeline.stop(Duration.ofSeconds(5));
    assertEquals(0, m.dropped(), m.describe());
    for (StreamMetrics s : m.streams()) {
      assertTrue(s.framesOut() >= 60, "frames flowed: " + m.describe());
      assertEquals(s.framesIn(), s.framesOut(), s.toString());
    }
  }

  @Test
  void dropNewestAndSkipEveryNthAlsoCountTheirDrops() throws Exception {
    for (DropPolicy policy :
        new DropPolicy[] {DropPolicy.DROP_NEWEST, DropPolicy.parse("skip-every-nth", 3)}) {
      Path out = Files.createDirectories(tmp.resolve(policy.kind().name()));
      FakeClassifier engine = FakeClassifier.gated();
      RealtimePipeline pipeline =
          RealtimePipeline.start(system, settings(8, policy, 4), engine, GRAY_28, out);
      for (int s = 0; s < 3; s++) {
        pipeline.add(SourceSpec.file("cam" + s, TREE, 50, true));
      }
      AtomicLong mostWaiting = new AtomicLong();
      try {
        // The engine stalled: every stream's frames beyond the buffer are dropped.
        await(
            () -> {
              mostWaiting.accumulateAndGet(waiting(pipeline), Math::max);
              assertEveryStream(pipeline, 3, s -> s.dropped() >= 10, policy + ": 10 dropped");
            });
      } finally {
        engine.open();
      }
      // And once it is back, every stream flows again.
      java.util.Map<String, Long> before = new java.util.HashMap<>();
      pipeline.metrics().streams().forEach(s -> before.put(s.stream(), s.framesOut()));
      await(
          () ->
              assertEveryStream(
                  pipeline,
                  3,
                  s -> s.framesOut() >= before.get(s.stream()) + 10,
                  policy + ": 10 more frames out"));
      PipelineMetrics m = pipeline.stop(Duration.ofSeconds(5));
      assertTrue(mostWaiting.get() <= 8 + 4, policy + ": " + mostWaiting + " frames waiting");
      assertEquals(8, m.maxQueueDepth(), policy + ": " + m.describe());
      for (StreamMetrics s : m.streams()) {
        assertTrue(s.dropped() > 0, policy + ": " + m.describe());
        assertTrue(s.framesOut() > 0, policy + ": " + m.describe());
        assertEquals(s.framesIn(), s.framesOut() + s.dropped(), policy + ": " + s);
      }
    }
  }

  @Test
  void streamsAreAddedAndRemovedWhileTheOthersRun() throws Exception {
    RealtimePipeline pipeline =
        RealtimePipeline.start(
            system, settings(64, DropPolicy.DROP_OLDEST, 8), new FakeClassifier(), GRAY_28, tmp);
    CompletionStage<StreamMetrics> a = pipeline.add(SourceSpec.file("a", TREE, 40, true));
    pipeline.add(SourceSpec.file("b", TREE, 40, true));
    await(() -> assertEveryStream(pipeline, 2, s -> s.framesOut() >= 10, "10 frames out"));
    assertThrows(
        IllegalArgumentException.class, () -> pipeline.add(SourceSpec.file("a", TREE, 40, true)));

    pipeline.remove("a");
    StreamMetrics removed = a.toCompletableFuture().get(5, TimeUnit.SECONDS);
    assertTrue(removed.framesOut() > 0, removed.toString());
    assertEquals(removed.framesIn(), removed.framesOut(), removed.toString());
    long bBefore = framesOut(pipeline, "b");
    CompletionStage<StreamMetrics> c = pipeline.add(SourceSpec.file("c", TREE, 40, true));
    await(
        () -> {
          assertTrue(framesOut(pipeline, "b") > bBefore + 10, "b goes on: " + pipeline.metrics());
          assertTrue(framesOut(pipeline, "c") > 10, "c started: " + pipeline.metrics());
        });
    assertEquals(java.util.Set.of("b", "c"), pipeline.streams());
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
            system, settings(64, DropPolicy.DROP_OLDEST, 8), new FakeClassifier(), GRAY_28, tmp);
    CompletionStage<StreamMetrics> broken = pipeline.add(SourceSpec.file("bad", bad, 0, false));
    pipeline.add(SourceSpec.file("good", TREE, 40, true));
    StreamMetrics b = broken.toCompletableFuture().get(20, TimeUnit.SECONDS);
    assertEquals(0, b.framesOut());
    // The broken stream is gone; the good one goes on past it.
    await(
        () -> {
          assertEquals(java.util.Set.of("good"), pipeline.streams());
          assertTrue(framesOut(pipeline, "good") > 5, pipeline.metrics().describe());
        });
    pipeline.stop(Duration.ofSeconds(5));
    assertTrue(
        pipeline.failures().containsKey("bad"), "the broken stream failed: " + pipeline.failures());
    assertFalse(
        pipeline.failures().containsKey("good"), "the good one did not: " + pipeline.failures());
  }

  @Test
  void aRegionOfInterestOutsideTheFramesFailsOnlyItsOwnStreamNamingIt() throws Exception {
    RealtimePipeline pipeline =
        RealtimePipeline.start(
            system, settings(64, DropPolicy.DROP_OLDEST, 8), new FakeClassifier(), GRAY_28, tmp);
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
            system, settings(64, DropPolicy.DROP_OLDEST, 8), new FakeClassifier(), GRAY_28, tmp);
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
    assertTrue(m.describe().contains(" late), " + expected + " corrupt; latency"), m.describe());
    com.fasterxml.jackson.databind.JsonNode summary =
        new com.fasterxml.jackson.databind.ObjectMapper()
            .readTree(tmp.resolve("bad.summary.json").toFile());
    assertEquals(expected, summary.get("corrupt").asLong(), summary.toString());
  }

  @Test
  void anAnnotatedVideoHasOneFrameForEveryClassifiedFrame() throws Exception {
    RealtimePipeline pipeline =
        RealtimePipeline.start(
            system, settings(64, DropPolicy.DROP_OLDEST, 8), new FakeClassifier(), GRAY_28, tmp);
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
  void aFileWithALabelSidecarHasAccuracyInItsSummary() throws Exception {
    Path video = tmp.resolve("in/tree.avi");
    Files.createDirectories(video.getParent());
    Files.copy(TREE, video);
    int[] labels = new int[68];
    java.util.Arrays.fill(labels, 34, 68, 1);
    io.vigil.pipeline.video.LabelSidecar.write(
        io.vigil.pipeline.video.LabelSidecar.pathFor(video), labels, List.of("zero", "one"));
    RealtimePipeline pipeline =
        RealtimePipeline.start(
            system, settings(64, DropPolicy.DROP_OLDEST, 8), new FakeClassifier(), GRAY_28, tmp);
    pipeline
        .add(SourceSpec.file("tree", video, 200, false))
        .toCompletableFuture()
        .get(20, TimeUnit.SECONDS);
    pipeline.stop(Duration.ofSeconds(5));
    com.fasterxml.jackson.databind.JsonNode accuracy =
        new com.fasterxml.jackson.databind.ObjectMapper()
            .readTree(tmp.resolve("tree.summary.json").toFile())
            .get("accuracy");
    assertTrue(accuracy != null, "accuracy in the summary");
    assertEquals(68, accuracy.get("labeled_frames").asLong(), accuracy.toString());
  }

  @Test
  void aMaxRateKeepsFramesAtThatRateWithoutCountingDrops() throws Exception {
    RealtimePipeline pipeline =
        RealtimePipeline.start(
            system, settings(64, DropPolicy.DROP_OLDEST, 8), new FakeClassifier(), GRAY_28, tmp);
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
            system, settings(64, DropPolicy.DROP_OLDEST, 8), new FakeClassifier(), GRAY_28, tmp);
    StreamMetrics m =
        pipeline
            .add(SourceSpec.images("seq", frames.resolve("img%03d.png").toString(), 60, false))
            .toCompletableFuture()
            .get(20, TimeUnit.SECONDS);
    pipeline.stop(Duration.ofSeconds(5));
    assertEquals(12, m.framesOut(), m.toString());
  }

  /**
   * Waits until {@code check} passes, polling it (up to 30 s: the first streams of a JVM wait for
   * FFmpeg's and OpenCV's natives to load, and the machine may be busy).
   */
  private static void await(Effect check) {
    waits.awaitAssert(
        Duration.ofSeconds(30),
        Duration.ofMillis(20),
        () -> {
          check.apply();
          return null;
        });
  }

  /** Asserts that {@code streams} streams are known and {@code condition} holds for each. */
  private static void assertEveryStream(
      RealtimePipeline pipeline, int streams, Predicate<StreamMetrics> condition, String what) {
    PipelineMetrics m = pipeline.metrics();
    assertEquals(streams, m.streams().size(), m.describe());
    assertTrue(
        m.streams().stream().allMatch(condition), what + " in every stream: " + m.describe());
  }

  /**
   * The frames counted in and neither out nor dropped yet: those in the buffer, the engine and the
   * writer. Frames in are read first, so that frames arriving meanwhile cannot count as waiting.
   */
  private static long waiting(RealtimePipeline pipeline) {
    long in = pipeline.metrics().framesIn();
    PipelineMetrics now = pipeline.metrics();
    return in - now.framesOut() - now.dropped();
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
            system, settings(16, DropPolicy.DROP_OLDEST, 4), new FakeClassifier(), GRAY_28, out);
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
