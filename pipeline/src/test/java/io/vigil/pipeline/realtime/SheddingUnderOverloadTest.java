package io.vigil.pipeline.realtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import io.vigil.engine.model.InputContract;
import io.vigil.pipeline.stream.PipelineMetrics;
import io.vigil.pipeline.stream.StreamMetrics;
import io.vigil.pipeline.video.SampleVideos;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Under overload the sources learn that the buffer is saturated for their stream and shed frames
 * before converting them: those drops are counted apart, every frame is still accounted for (in =
 * out + dropped, per stream) and the frames waiting stay bounded.
 */
class SheddingUnderOverloadTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final InputContract GRAY_28 = new InputContract(1, 28, 28, 0.5f, 0.5f);
  private static final Path TREE = SampleVideos.file("tree.avi");
  private static final int BUFFER = 8;
  private static final int BATCH = 4;
  private static ActorSystem<Void> system;
  private static TestProbe<Object> waits;

  @TempDir Path tmp;

  /** The engine of the pipeline under test: stalled until the test lets batches through. */
  private final FakeClassifier engine = FakeClassifier.gated();

  @BeforeAll
  static void start() {
    system = ActorSystem.create(Behaviors.empty(), "shedding-test", ConfigFactory.load());
    waits = TestProbe.create(system);
  }

  @AfterAll
  static void stop() {
    system.terminate();
  }

  @AfterEach
  void releaseTheEngine() {
    engine.open();
  }

  /** 4 streams × 50 fps offered to an engine that takes nothing until the test says. */
  private RealtimePipeline overloaded(int shedPerDrop, Path out) {
    RealtimeSettings settings =
        RealtimeSettings.from(ConfigFactory.load())
            .withBuffer(BUFFER, DropPolicy.DROP_OLDEST)
            .withBatch(BATCH, Duration.ofMillis(5))
            .withShedPerDrop(shedPerDrop)
            .withMaxSourceLag(Duration.ZERO);
    RealtimePipeline pipeline = RealtimePipeline.start(system, settings, engine, GRAY_28, out);
    for (int s = 0; s < 4; s++) {
      pipeline.add(SourceSpec.file("cam" + s, TREE, 50, true));
    }
    return pipeline;
  }

  @Test
  void sourcesShedFramesBeforeConversionAndEveryFrameIsAccountedFor() throws Exception {
    RealtimePipeline pipeline = overloaded(1, tmp);
    // While the engine stalls, until every stream has had frames dropped in the buffer and shed at
    // its source; the frames waiting meanwhile are the buffer's and the engine's batch at most.
    AtomicLong mostWaiting = new AtomicLong();
    awaitEveryStream(
        pipeline,
        s -> {
          mostWaiting.accumulateAndGet(waiting(pipeline), Math::max);
          return s.droppedUnconverted() >= 5 && buffered(s) >= 5;
        },
        "frames dropped in the buffer and shed at the source");
    assertTrue(
        mostWaiting.get() <= BUFFER + BATCH,
        mostWaiting + " frames waiting: " + pipeline.metrics().describe());
    // Then the engine takes batches again, and every stream's frames come out.
    engine.open();
    awaitEveryStream(pipeline, s -> s.framesOut() >= 20, "20 frames classified");
    PipelineMetrics m = pipeline.stop(Duration.ofSeconds(5));

    assertEquals(4, m.streams().size(), m.describe());
    assertEquals(
        BUFFER, m.maxQueueDepth(), "the buffer filled, and never held more: " + m.describe());
    for (StreamMetrics s : m.streams()) {
      assertEquals(s.framesIn(), s.framesOut() + s.dropped(), "nothing lost silently: " + s);
      assertTrue(s.droppedUnconverted() > 0, "shed before conversion: " + m.describe());
      assertTrue(buffered(s) > 0, "dropped in the buffer too: " + m.describe());

      List<String> lines = Files.readAllLines(tmp.resolve(s.stream() + ".jsonl"));
      assertEquals(s.framesOut(), lines.size(), "one line per frame out for " + s.stream());
      long previous = -1;
      for (String line : lines) {
        long frame = JSON.readTree(line).get("frame").asLong();
        // Shed frames keep their numbers: the frames written skip them, in order, all below
        // the number of frames the source delivered.
        assertTrue(frame > previous && frame < s.framesIn(), s.stream() + ": frame " + frame);
        previous = frame;
      }
      JsonNode summary = JSON.readTree(tmp.resolve(s.stream() + ".summary.json").toFile());
      assertEquals(s.dropped(), summary.get("dropped").asLong(), summary.toString());
      assertEquals(
          s.droppedUnconverted(),
          summary.get("dropped_before_conversion").asLong(),
          summary.toString());
    }
    assertTrue(m.describe().contains("before conversion"), m.describe());
  }

  @Test
  void withSheddingOffEveryDropHappensInTheBuffer() throws Exception {
    RealtimePipeline pipeline = overloaded(0, tmp);
    awaitEveryStream(pipeline, s -> s.dropped() >= 10, "frames dropped");
    engine.open();
    awaitEveryStream(pipeline, s -> s.framesOut() >= 20, "20 frames classified");
    PipelineMetrics m = pipeline.stop(Duration.ofSeconds(5));
    assertEquals(4, m.streams().size(), m.describe());
    for (StreamMetrics s : m.streams()) {
      assertTrue(s.dropped() >= 10, m.describe());
      assertEquals(0, s.droppedUnconverted(), m.describe());
      assertEquals(s.framesIn(), s.framesOut() + s.dropped(), s.toString());
    }
  }

  /**
   * Streams paced far faster than any machine decodes (100,000 fps) fall behind at once: their
   * sources shed for lag, the decoders skip to key frames, and still every frame the sources
   * delivered is classified or counted dropped, the late ones apart.
   */
  @Test
  void sourcesBehindRealTimeShedLateFramesAndCountThem() throws Exception {
    RealtimeSettings settings =
        RealtimeSettings.from(ConfigFactory.load())
            .withBuffer(64, DropPolicy.DROP_OLDEST)
            .withBatch(8, Duration.ofMillis(5));
    engine.open();
    RealtimePipeline pipeline = RealtimePipeline.start(system, settings, engine, GRAY_28, tmp);
    for (int s = 0; s < 4; s++) {
      pipeline.add(SourceSpec.file("cam" + s, SampleVideos.file("vtest.avi"), 100_000, true));
    }
    awaitEveryStream(
        pipeline, s -> s.droppedLate() >= 1000 && s.framesOut() >= 1, "frames shed for lag");
    PipelineMetrics m = pipeline.stop(Duration.ofSeconds(5));
    for (StreamMetrics s : m.streams()) {
      assertEquals(s.framesIn(), s.framesOut() + s.dropped(), "nothing lost silently: " + s);
      assertTrue(s.droppedLate() <= s.droppedUnconverted(), s.toString());
      assertTrue(s.droppedUnconverted() <= s.dropped(), s.toString());
      assertEquals(0, s.corrupt(), "skipped frames are not corrupt: " + s);
    }
    assertTrue(m.describe().contains("late"), m.describe());
  }

  private static long buffered(StreamMetrics s) {
    return s.dropped() - s.droppedUnconverted();
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

  /** Waits (up to 60 s on a loaded machine) until {@code condition} holds for every stream. */
  private static void awaitEveryStream(
      RealtimePipeline pipeline, Predicate<StreamMetrics> condition, String what) {
    waits.awaitAssert(
        Duration.ofSeconds(60),
        Duration.ofMillis(20),
        () -> {
          PipelineMetrics m = pipeline.metrics();
          assertEquals(4, m.streams().size(), m.describe());
          assertTrue(m.streams().stream().allMatch(condition), what + ": " + m.describe());
          return null;
        });
  }
}
