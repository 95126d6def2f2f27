package io.vigil.pipeline.realtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import java.util.function.Predicate;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Under overload the sources learn that the buffer is saturated for their stream and shed frames
 * before converting them: those drops are counted apart, every frame is still accounted for (in =
 * out + dropped, per stream) and latency stays bounded.
 */
class SheddingUnderOverloadTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final InputContract GRAY_28 = new InputContract(1, 28, 28, 0.5f, 0.5f);
  private static final Path TREE = SampleVideos.file("tree.avi");
  private static final int BUFFER = 8;
  private static final int BATCH = 4;
  private static final long BATCH_MILLIS = 40;
  private static ActorSystem<Void> system;

  @TempDir Path tmp;

  @BeforeAll
  static void start() {
    system = ActorSystem.create(Behaviors.empty(), "shedding-test", ConfigFactory.load());
  }

  @AfterAll
  static void stop() {
    system.terminate();
  }

  /** 4 streams × 50 fps = 200 frames/s offered to an engine that takes 4 per 40 ms = 100/s. */
  private RealtimePipeline overloaded(int shedPerDrop, Path out) {
    RealtimeSettings settings =
        RealtimeSettings.from(ConfigFactory.load())
            .withBuffer(BUFFER, DropPolicy.DROP_OLDEST)
            .withBatch(BATCH, Duration.ofMillis(5))
            .withShedPerDrop(shedPerDrop);
    RealtimePipeline pipeline =
        RealtimePipeline.start(system, settings, new FakeClassifier(BATCH_MILLIS), GRAY_28, out);
    for (int s = 0; s < 4; s++) {
      pipeline.add(SourceSpec.file("cam" + s, TREE, 50, true));
    }
    return pipeline;
  }

  @Test
  void sourcesShedFramesBeforeConversionAndEveryFrameIsAccountedFor() throws Exception {
    RealtimePipeline pipeline = overloaded(1, tmp);
    // Until every stream has had frames classified, dropped in the buffer and shed at its source,
    // and enough frames out for a p99 that one stall of a shared machine does not decide: about 6
    // s at 25 frames/s classified per stream.
    awaitEveryStream(
        pipeline,
        s -> s.framesOut() >= 150 && s.droppedUnconverted() >= 5 && buffered(s) >= 5,
        "150 frames classified, frames dropped in the buffer and shed at the source");
    PipelineMetrics m = pipeline.stop(Duration.ofSeconds(5));

    // As in RealtimePipelineTest: (buffer / batch + 1) batch times plus the batcher's wait, three
    // times over for a busy shared machine.
    double bound = 3 * ((BUFFER / BATCH + 1) * BATCH_MILLIS + 5);
    assertEquals(4, m.streams().size(), m.describe());
    for (StreamMetrics s : m.streams()) {
      assertEquals(s.framesIn(), s.framesOut() + s.dropped(), "nothing lost silently: " + s);
      assertTrue(s.droppedUnconverted() > 0, "shed before conversion: " + m.describe());
      assertTrue(buffered(s) > 0, "dropped in the buffer too: " + m.describe());
      assertTrue(s.latency().p99() < bound, "p99 under " + bound + " ms: " + m.describe());

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
    awaitEveryStream(pipeline, s -> s.framesOut() >= 20 && s.dropped() >= 10, "frames dropped");
    PipelineMetrics m = pipeline.stop(Duration.ofSeconds(5));
    for (StreamMetrics s : m.streams()) {
      assertEquals(0, s.droppedUnconverted(), m.describe());
      assertEquals(s.framesIn(), s.framesOut() + s.dropped(), s.toString());
    }
  }

  private static long buffered(StreamMetrics s) {
    return s.dropped() - s.droppedUnconverted();
  }

  /** Waits (up to 60 s on a loaded machine) until {@code condition} holds for every stream. */
  private static void awaitEveryStream(
      RealtimePipeline pipeline, Predicate<StreamMetrics> condition, String what)
      throws InterruptedException {
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (System.nanoTime() < deadline) {
      List<StreamMetrics> streams = pipeline.metrics().streams();
      if (streams.size() == 4 && streams.stream().allMatch(condition)) {
        return;
      }
      Thread.sleep(20);
    }
    PipelineMetrics m = pipeline.stop(Duration.ofSeconds(5));
    assertFalse(true, "not every stream had " + what + " within 60 s: " + m.describe());
  }
}
