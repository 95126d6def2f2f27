package io.vigil.pipeline.analyze;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import io.vigil.engine.model.Model;
import io.vigil.pipeline.video.SampleVideos;
import io.vigil.pipeline.video.VideoInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The whole offline graph on real video: every frame in, one line per frame out, in order. */
class AnalyzeJobTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static ActorSystem<Void> system;
  private static Model model;

  @TempDir Path tmp;

  @BeforeAll
  static void start() {
    system = ActorSystem.create(Behaviors.empty(), "analyze-test", ConfigFactory.load());
    model = TestModels.untrained();
  }

  @AfterAll
  static void stop() {
    system.terminate();
  }

  private AnalyzeReport analyze(Path video, Path out, AnalyzeSettings settings) throws IOException {
    return new AnalyzeJob(system, settings).run(video, model, out, null, ProgressListener.NONE);
  }

  private static AnalyzeSettings defaults() {
    return AnalyzeSettings.from(ConfigFactory.load());
  }

  private static List<JsonNode> lines(Path results) throws IOException {
    List<JsonNode> nodes = new ArrayList<>();
    try (Stream<String> lines = Files.lines(results)) {
      for (String line : (Iterable<String>) lines::iterator) {
        nodes.add(JSON.readTree(line));
      }
    }
    return nodes;
  }

  /** Every line names the model, and frames come 0, 1, 2, ... with increasing timestamps. */
  private static void assertOneOrderedLinePerFrame(Path results, long frames) throws IOException {
    List<JsonNode> nodes = lines(results);
    assertEquals(frames, nodes.size(), "one line per decoded frame in " + results);
    long previousPts = Long.MIN_VALUE;
    for (int i = 0; i < nodes.size(); i++) {
      JsonNode n = nodes.get(i);
      assertEquals(i, n.get("frame").asLong(), "frame order at line " + i);
      assertEquals(model.version(), n.get("model").asText());
      assertEquals(3, n.get("top").size(), "top-k labels at line " + i);
      long pts = n.get("pts_us").asLong();
      assertTrue(pts > previousPts, "timestamps increase at line " + i);
      previousPts = pts;
    }
  }

  // Counts from `ffmpeg -i FILE -f null -` (FFmpeg 7.1): the container headers claim more for
  // tree.avi (444), so the count must come from decoding.
  @ParameterizedTest
  @CsvSource({"vtest.avi, 795", "Megamind.avi, 270", "Megamind_bugy.avi, 270", "tree.avi, 68"})
  void classifiesEveryFrameFfmpegDecodes(String name, long frames) throws IOException {
    Path out = tmp.resolve(name + ".jsonl");
    AnalyzeReport report = analyze(SampleVideos.file(name), out, defaults());
    assertEquals(frames, report.frames());
    assertEquals(0, report.decode().framesLost(), report.decode().summary());
    assertOneOrderedLinePerFrame(out, frames);
    assertEquals(frames, java.util.Arrays.stream(report.perClass()).sum());
  }

  @Test
  void oddBatchSizesAndShortWaitsKeepEveryFrameInOrder() throws IOException {
    Path out = tmp.resolve("odd.jsonl");
    AnalyzeSettings odd = new AnalyzeSettings(7, Duration.ofMillis(1), 2, Duration.ofSeconds(1));
    AnalyzeReport report = analyze(SampleVideos.file("Megamind.avi"), out, odd);
    assertEquals(270, report.frames());
    List<JsonNode> nodes = lines(out);
    for (int i = 0; i < nodes.size(); i++) {
      assertEquals(i, nodes.get(i).get("frame").asLong());
      assertEquals(2, nodes.get(i).get("top").size());
    }
  }

  @Test
  void truncatedFileKeepsTheFramesBeforeTheCutAndCountsTheLoss() throws IOException {
    Path source = SampleVideos.file("vtest.avi");
    Path cut = SampleVideos.truncatedCopy(source, tmp.resolve("half.avi"), Files.size(source) / 2);
    Path out = tmp.resolve("half.jsonl");
    AnalyzeReport report = analyze(cut, out, defaults());
    // `ffmpeg -i half.avi -f null -` decodes 399 frames of this cut.
    assertEquals(399, report.frames());
    assertTrue(report.decode().framesLost() > 0, report.decode().summary());
    assertTrue(report.decode().summary().contains("lost"), report.decode().summary());
    assertOneOrderedLinePerFrame(out, 399);
  }

  @Test
  void garbageInTheMiddleKeepsEveryDecodableFrameAndCountsTheLoss() throws IOException {
    Path damaged =
        SampleVideos.damagedCopy(
            SampleVideos.file("vtest.avi"), tmp.resolve("garbage.avi"), 4_000_000, 200_000);
    Path out = tmp.resolve("garbage.jsonl");
    AnalyzeReport report = analyze(damaged, out, defaults());
    // `ffmpeg -i garbage.avi -f null -` decodes 772 frames of these bytes.
    assertEquals(772, report.frames());
    assertTrue(report.decode().framesLost() > 0, report.decode().summary());
    assertOneOrderedLinePerFrame(out, 772);
  }

  @Test
  void missingVideoFailsNamingItAndWritesNothing() throws IOException {
    assertUnreadable(tmp.resolve("no-such-video.mp4"), "no such file");
  }

  @Test
  void emptyVideoFailsNamingItAndWritesNothing() throws IOException {
    Path empty = Files.createFile(tmp.resolve("empty.mp4"));
    assertUnreadable(empty, "empty");
  }

  @Test
  void textNamedMp4FailsNamingItAndWritesNothing() throws IOException {
    Path text = Files.writeString(tmp.resolve("notes.mp4"), "this is not a video\n".repeat(50));
    assertUnreadable(text, "not a video");
  }

  private void assertUnreadable(Path video, String reason) throws IOException {
    Path outDir = Files.createDirectories(tmp.resolve("out-" + video.getFileName()));
    Path out = outDir.resolve("results.jsonl");
    VideoInputException e =
        assertThrows(VideoInputException.class, () -> analyze(video, out, defaults()));
    assertTrue(e.getMessage().contains(video.getFileName().toString()), e.getMessage());
    assertTrue(e.getMessage().contains(reason), e.getMessage());
    assertFalse(Files.exists(out), "no results file for a video that could not be read");
    try (Stream<Path> left = Files.list(outDir)) {
      assertEquals(0, left.count(), "no partial file left in " + outDir);
    }
  }

  @Test
  void failureAfterStartLeavesNoPartialResults() throws IOException {
    // A label file that does not parse fails the run before a single line is committed.
    Path labels = Files.writeString(tmp.resolve("bad.labels.csv"), "frame,label\nx,y\n");
    Path outDir = Files.createDirectories(tmp.resolve("out-bad-labels"));
    Path out = outDir.resolve("results.jsonl");
    IOException e =
        assertThrows(
            IOException.class,
            () ->
                new AnalyzeJob(system, defaults())
                    .run(SampleVideos.file("tree.avi"), model, out, labels, ProgressListener.NONE));
    assertTrue(e.getMessage().contains("bad.labels.csv"), e.getMessage());
    try (Stream<Path> left = Files.list(outDir)) {
      assertEquals(0, left.count(), "no partial file left in " + outDir);
    }
  }
}
