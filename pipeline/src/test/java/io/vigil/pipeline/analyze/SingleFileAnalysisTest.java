package io.vigil.pipeline.analyze;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import io.vigil.engine.model.Model;
import io.vigil.pipeline.result.LabelAccuracy;
import io.vigil.pipeline.result.StreamSummary;
import io.vigil.pipeline.stream.EngineClassifier;
import io.vigil.pipeline.video.SampleVideos;
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

/**
 * The offline graph on one real video into one results file ({@code vigil analyze VIDEO --out R},
 * {@code vigil demo}): every frame in, one line per frame out, in order; nothing left behind when
 * the video cannot be read.
 */
class SingleFileAnalysisTest {

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

  private FileOutcome analyze(Path video, Path out, AnalyzeSettings settings) throws Exception {
    return analyze(video, out, settings, null);
  }

  private FileOutcome analyze(Path video, Path out, AnalyzeSettings settings, Path labels)
      throws Exception {
    BatchRunReport report =
        new BatchAnalyzeJob(system, settings, new BatchSettings(1, 10))
            .start(
                List.of(video),
                new EngineClassifier(model, settings.maxBatch(), settings.topK()),
                model.input(),
                OutputLayout.singleFile(out),
                v -> labels,
                BatchListener.NONE)
            .report()
            .toCompletableFuture()
            .get();
    assertEquals(1, report.files().size());
    return report.files().get(0);
  }

  /** The outcome of a video that was analysed, with its summary. */
  private static StreamSummary done(FileOutcome outcome) {
    assertEquals(FileOutcome.Status.DONE, outcome.status(), String.valueOf(outcome.error()));
    return outcome.summary();
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
  void classifiesEveryFrameFfmpegDecodes(String name, long frames) throws Exception {
    Path out = tmp.resolve(name + ".jsonl");
    StreamSummary report = done(analyze(SampleVideos.file(name), out, defaults()));
    assertEquals(frames, report.frames());
    assertEquals(0, report.decode().framesLost(), report.decode().summary());
    assertEquals(0, report.corrupt(), report.decode().summary());
    assertOneOrderedLinePerFrame(out, frames);
    assertEquals(frames, java.util.Arrays.stream(report.perClass()).sum());
  }

  @Test
  void oddBatchSizesAndShortWaitsKeepEveryFrameInOrder() throws Exception {
    Path out = tmp.resolve("odd.jsonl");
    AnalyzeSettings odd = new AnalyzeSettings(7, Duration.ofMillis(1), 2, Duration.ofSeconds(1));
    StreamSummary report = done(analyze(SampleVideos.file("Megamind.avi"), out, odd));
    assertEquals(270, report.frames());
    List<JsonNode> nodes = lines(out);
    for (int i = 0; i < nodes.size(); i++) {
      assertEquals(i, nodes.get(i).get("frame").asLong());
      assertEquals(2, nodes.get(i).get("top").size());
    }
  }

  @Test
  void truncatedFileKeepsTheFramesBeforeTheCutAndCountsTheLoss() throws Exception {
    Path source = SampleVideos.file("vtest.avi");
    Path cut = SampleVideos.truncatedCopy(source, tmp.resolve("half.avi"), Files.size(source) / 2);
    Path out = tmp.resolve("half.jsonl");
    StreamSummary report = done(analyze(cut, out, defaults()));
    // `ffmpeg -i half.avi -f null -` decodes 399 frames of this cut.
    assertEquals(399, report.frames());
    assertTrue(report.decode().framesLost() > 0, report.decode().summary());
    assertTrue(report.decode().summary().contains("lost"), report.decode().summary());
    assertOneOrderedLinePerFrame(out, 399);
  }

  @Test
  void garbageInTheMiddleKeepsEveryDecodableFrameAndCountsTheLoss() throws Exception {
    Path damaged =
        SampleVideos.damagedCopy(
            SampleVideos.file("vtest.avi"), tmp.resolve("garbage.avi"), 4_000_000, 200_000);
    Path out = tmp.resolve("garbage.jsonl");
    StreamSummary report = done(analyze(damaged, out, defaults()));
    // `ffmpeg -i garbage.avi -f null -` decodes 772 frames of these bytes.
    assertEquals(772, report.frames());
    assertTrue(report.decode().framesLost() > 0, report.decode().summary());
    assertOneOrderedLinePerFrame(out, 772);
  }

  @Test
  void missingVideoFailsNamingItAndWritesNothing() throws Exception {
    assertUnreadable(tmp.resolve("no-such-video.mp4"), "no such file");
  }

  @Test
  void emptyVideoFailsNamingItAndWritesNothing() throws Exception {
    Path empty = Files.createFile(tmp.resolve("empty.mp4"));
    assertUnreadable(empty, "empty");
  }

  @Test
  void textNamedMp4FailsNamingItAndWritesNothing() throws Exception {
    Path text = Files.writeString(tmp.resolve("notes.mp4"), "this is not a video\n".repeat(50));
    assertUnreadable(text, "not a video");
  }

  private void assertUnreadable(Path video, String reason) throws Exception {
    Path outDir = Files.createDirectories(tmp.resolve("out-" + video.getFileName()));
    Path out = outDir.resolve("results.jsonl");
    FileOutcome outcome = analyze(video, out, defaults());
    assertEquals(FileOutcome.Status.FAILED, outcome.status());
    assertTrue(outcome.error().contains(video.getFileName().toString()), outcome.error());
    assertTrue(outcome.error().contains(reason), outcome.error());
    assertFalse(Files.exists(out), "no results file for a video that could not be read");
    try (Stream<Path> left = Files.list(outDir)) {
      assertEquals(0, left.count(), "no partial file left in " + outDir);
    }
  }

  @Test
  void aLabelFileThatDoesNotParseFailsTheVideoNamingItAndLeavesNothing() throws Exception {
    Path labels = Files.writeString(tmp.resolve("bad.labels.csv"), "frame,label\nx,y\n");
    Path outDir = Files.createDirectories(tmp.resolve("out-bad-labels"));
    FileOutcome outcome =
        analyze(SampleVideos.file("tree.avi"), outDir.resolve("results.jsonl"), defaults(), labels);
    assertEquals(FileOutcome.Status.FAILED, outcome.status());
    assertTrue(outcome.error().contains("bad.labels.csv"), outcome.error());
    try (Stream<Path> left = Files.list(outDir)) {
      assertEquals(0, left.count(), "no partial file left in " + outDir);
    }
  }

  @Test
  void trueLabelsGiveTheAccuracyOfTheBestLabels() throws Exception {
    // Every frame of tree.avi labelled class 3: the accuracy is then exactly the share of frames
    // whose best label is class 3, whatever the (untrained) model says.
    StringBuilder csv = new StringBuilder(io.vigil.pipeline.video.LabelSidecar.HEADER + "\n");
    for (int f = 0; f < 68; f++) {
      csv.append(f).append(",3,").append(model.classNames().get(3)).append('\n');
    }
    Path labels = Files.writeString(tmp.resolve("tree.labels.csv"), csv);
    StreamSummary report =
        done(analyze(SampleVideos.file("tree.avi"), tmp.resolve("tree.jsonl"), defaults(), labels));
    LabelAccuracy accuracy = report.labels();
    assertEquals(68, accuracy.labelRows());
    assertEquals(68, accuracy.labeledFrames());
    assertEquals(report.perClass()[3], accuracy.correct());
    assertEquals(report.perClass()[3] / 68.0, accuracy.accuracy(), 1e-12);
  }

  @Test
  void aSingleVideoWritesOnlyItsResultsFileAndIsAnalysedAfreshEachTime() throws Exception {
    Path outDir = Files.createDirectories(tmp.resolve("single"));
    Path out = outDir.resolve("r.jsonl");
    done(analyze(SampleVideos.file("tree.avi"), out, defaults()));
    StreamSummary again = done(analyze(SampleVideos.file("tree.avi"), out, defaults()));
    assertEquals(68, again.frames(), "not skipped as complete: a single file is redone");
    assertNull(again.labels(), "no label file, no accuracy");
    try (Stream<Path> files = Files.list(outDir)) {
      assertEquals(List.of(out), files.toList(), "the results file and nothing else");
    }
    assertOneOrderedLinePerFrame(out, 68);
  }
}
