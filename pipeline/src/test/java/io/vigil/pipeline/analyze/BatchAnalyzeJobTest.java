package io.vigil.pipeline.analyze;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import io.vigil.engine.model.Model;
import io.vigil.pipeline.result.RegionOfInterest;
import io.vigil.pipeline.stream.EngineClassifier;
import io.vigil.pipeline.stream.ScriptedClassifier;
import io.vigil.pipeline.video.LabelSidecar;
import io.vigil.pipeline.video.Preprocessing;
import io.vigil.pipeline.video.ResizeMode;
import io.vigil.pipeline.video.SampleVideos;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Many files through one batcher: one results file per video, resumable, failures isolated. */
class BatchAnalyzeJobTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static ActorSystem<Void> system;
  private static Model model;

  @TempDir Path tmp;

  @BeforeAll
  static void start() {
    system = ActorSystem.create(Behaviors.empty(), "batch-test", ConfigFactory.load());
    model = TestModels.untrained();
  }

  @AfterAll
  static void stop() {
    system.terminate();
  }

  private static BatchAnalyzeJob job(int parallel) {
    return new BatchAnalyzeJob(
        system, AnalyzeSettings.from(ConfigFactory.load()), new BatchSettings(parallel, 5));
  }

  private static BatchAnalyzeJob.Running start(
      BatchAnalyzeJob job, List<Path> videos, Path out, BatchListener listener) throws IOException {
    return job.start(videos, new EngineClassifier(model, 32, 3), model.input(), out, listener);
  }

  private static BatchRunReport run(int parallel, List<Path> videos, Path out) throws Exception {
    return start(job(parallel), videos, out, BatchListener.NONE)
        .report()
        .toCompletableFuture()
        .get();
  }

  private static List<Path> samples() {
    return List.of(
        SampleVideos.file("tree.avi"),
        SampleVideos.file("Megamind.avi"),
        SampleVideos.file("vtest.avi"));
  }

  @Test
  void everyFileGetsItsOwnOrderedResultsAndSummaryAndABadFileFailsAlone() throws Exception {
    Path bad = Files.writeString(tmp.resolve("notes.mp4"), "not a video\n".repeat(50));
    Path out = tmp.resolve("out");
    List<Path> videos = new java.util.ArrayList<>(samples());
    videos.add(bad);
    BatchRunReport report = run(2, videos, out);

    assertEquals(3, report.with(FileOutcome.Status.DONE).size(), report.files().toString());
    List<FileOutcome> failed = report.with(FileOutcome.Status.FAILED);
    assertEquals(1, failed.size());
    assertTrue(failed.get(0).error().contains("notes.mp4"), failed.get(0).error());
    assertTrue(failed.get(0).error().contains("not a video"), failed.get(0).error());
    assertFalse(Files.exists(OutputNames.results(out, "notes.mp4")));
    assertEquals(795 + 270 + 68, report.frames());

    long[] expected = {68, 270, 795};
    for (int i = 0; i < 3; i++) {
      String stream = samples().get(i).getFileName().toString();
      List<String> lines = Files.readAllLines(OutputNames.results(out, stream));
      assertEquals(expected[i], lines.size(), stream);
      for (int f = 0; f < lines.size(); f++) {
        JsonNode n = JSON.readTree(lines.get(f));
        assertEquals(f, n.get("frame").asLong(), stream + " line " + f);
        assertEquals(stream, n.get("stream").asText());
      }
      JsonNode summary = JSON.readTree(OutputNames.summary(out, stream).toFile());
      assertEquals(expected[i], summary.get("frames").asLong());
      assertEquals(0, summary.get("dropped").asLong());
      assertEquals(model.version(), summary.get("model").asText());
      long perLabel = 0;
      for (JsonNode count : summary.get("labels")) {
        perLabel += count.asLong();
      }
      assertEquals(expected[i], perLabel);
      assertEquals(expected[i], summary.get("decode").get("frames_decoded").asLong());
      assertTrue(summary.get("segments").isArray());
    }
    JsonNode runSummary = JSON.readTree(out.resolve(OutputNames.RUN_SUMMARY).toFile());
    assertEquals(1, runSummary.get("runs").get(0).get("failed").asInt());
    assertNoPartialFiles(out);
    assertTrue(report.metrics().batches() > 0);
    assertEquals(795 + 270 + 68, report.metrics().framesOut());
  }

  @Test
  void withTwoBatchesInFlightEveryFileStillGetsAllItsResultsInOrder() throws Exception {
    List<String> log = Collections.synchronizedList(new ArrayList<>());
    // Start and collect apart, as on a GPU; a collect takes a while, as waiting for one does.
    ScriptedClassifier device = new ScriptedClassifier("device", 2, log).collectTaking(20);
    Path out = tmp.resolve("out");
    BatchRunReport report =
        job(2)
            .start(samples(), device, model.input(), out, BatchListener.NONE)
            .report()
            .toCompletableFuture()
            .get();

    assertEquals(3, report.with(FileOutcome.Status.DONE).size(), report.files().toString());
    long[] expected = {68, 270, 795};
    for (int i = 0; i < 3; i++) {
      String stream = samples().get(i).getFileName().toString();
      List<String> lines = Files.readAllLines(OutputNames.results(out, stream));
      assertEquals(expected[i], lines.size(), stream);
      for (int f = 0; f < lines.size(); f++) {
        JsonNode n = JSON.readTree(lines.get(f));
        assertEquals(f, n.get("frame").asLong(), stream + " line " + f);
        assertEquals("device", n.get("model").asText());
      }
    }
    assertTrue(device.mostInFlight() <= 2, "in flight: " + device.mostInFlight());
    awaitClosed(device);
    assertEquals("device close", log.get(log.size() - 1), "closed after its last batch");
    assertNoPartialFiles(out);
  }

  @Test
  void aClassifierThatThrowsFailsTheRunWithItsOwnError() throws Exception {
    List<String> log = Collections.synchronizedList(new ArrayList<>());
    List<ScriptedClassifier> failing =
        List.of(
            new ScriptedClassifier("device", 2, log).failingStartOf(2),
            new ScriptedClassifier("cpu", 1, log).failingCollectOf(2));
    for (ScriptedClassifier classifier : failing) {
      Path out = tmp.resolve(classifier.modelVersion());
      CompletableFuture<BatchRunReport> report =
          job(1)
              .start(
                  List.of(SampleVideos.file("vtest.avi")),
                  classifier,
                  model.input(),
                  out,
                  BatchListener.NONE)
              .report()
              .toCompletableFuture();
      ExecutionException e = assertThrows(ExecutionException.class, report::get);
      assertInstanceOf(IllegalStateException.class, e.getCause(), e.toString());
      assertTrue(
          e.getCause().getMessage().startsWith(classifier.modelVersion() + ": ")
              && e.getCause().getMessage().endsWith(" of batch 2 failed"),
          e.getCause().getMessage());
      awaitClosed(classifier);
      assertFalse(Files.exists(OutputNames.results(out, "vtest.avi")), "no partial results");
      assertNoPartialFiles(out);
    }
  }

  /** Waits (up to 10 s) for the run to close {@code classifier}, then checks it did so once. */
  private static void awaitClosed(ScriptedClassifier classifier) {
    org.apache.pekko.actor.testkit.typed.javadsl.TestProbe<Object> probe =
        org.apache.pekko.actor.testkit.typed.javadsl.TestProbe.create(system);
    probe.awaitAssert(
        java.time.Duration.ofSeconds(10),
        () -> {
          assertTrue(classifier.closes() > 0, classifier.modelVersion() + " closed");
          return null;
        });
    assertEquals(1, classifier.closes(), classifier.modelVersion() + " closed once");
  }

  @Test
  void aRegionOfInterestAppliesToEveryFileAndOneWhoseFramesItDoesNotFitFailsAlone()
      throws Exception {
    // x 400..699 fits vtest.avi (768 wide) and Megamind.avi (720), not tree.avi (320).
    AnalyzeSettings settings =
        AnalyzeSettings.from(ConfigFactory.load())
            .withPreprocessing(
                Preprocessing.STRETCH
                    .withResize(ResizeMode.LETTERBOX)
                    .withRoi(new RegionOfInterest(400, 0, 300, 200)));
    BatchRunReport report =
        start(
                new BatchAnalyzeJob(system, settings, new BatchSettings(2, 5)),
                samples(),
                tmp,
                BatchListener.NONE)
            .report()
            .toCompletableFuture()
            .get();
    List<FileOutcome> failed = report.with(FileOutcome.Status.FAILED);
    assertEquals(1, failed.size(), report.files().toString());
    assertEquals(
        "tree.avi: region of interest x=400 y=0 width=300 height=200 does not fit in the 320×240"
            + " frame (x + width = 700 > frame width 320)",
        failed.get(0).error());
    assertEquals(270, Files.readAllLines(tmp.resolve("Megamind.avi.jsonl")).size());
    assertEquals(795, Files.readAllLines(tmp.resolve("vtest.avi.jsonl")).size());
    assertFalse(Files.exists(tmp.resolve("tree.avi.jsonl")), "no output for the failed file");
  }

  @Test
  void aVideosLabelFileGivesItsAccuracyAndABadOneFailsThatVideoAlone() throws Exception {
    // tree.avi with every frame labelled class 3 beside it: its accuracy is the share of frames
    // whose best label is class 3. A second copy's label file does not parse. Megamind.avi has
    // none.
    Path videos = Files.createDirectories(tmp.resolve("videos"));
    Path labelled = Files.copy(SampleVideos.file("tree.avi"), videos.resolve("tree.avi"));
    Path badlyLabelled = Files.copy(SampleVideos.file("tree.avi"), videos.resolve("tree2.avi"));
    StringBuilder csv = new StringBuilder(LabelSidecar.HEADER + "\n");
    for (int f = 0; f < 68; f++) {
      csv.append(f).append(",3,").append(model.classNames().get(3)).append('\n');
    }
    Files.writeString(LabelSidecar.pathFor(labelled), csv);
    Files.writeString(LabelSidecar.pathFor(badlyLabelled), "frame,label\n");
    Path out = tmp.resolve("out");
    BatchRunReport report =
        run(2, List.of(labelled, badlyLabelled, SampleVideos.file("Megamind.avi")), out);

    List<FileOutcome> failed = report.with(FileOutcome.Status.FAILED);
    assertEquals(1, failed.size(), report.files().toString());
    assertTrue(failed.get(0).error().contains("tree2.avi.labels.csv"), failed.get(0).error());
    assertFalse(Files.exists(OutputNames.results(out, "tree2.avi")));

    JsonNode tree = JSON.readTree(OutputNames.summary(out, "tree.avi").toFile());
    long class3 = tree.get("labels").get(model.classNames().get(3)).asLong();
    JsonNode accuracy = tree.get("accuracy");
    assertEquals(68, accuracy.get("label_rows").asLong(), tree.toString());
    assertEquals(68, accuracy.get("labeled_frames").asLong(), tree.toString());
    assertEquals(class3, accuracy.get("correct").asLong(), tree.toString());
    assertEquals(class3 / 68.0, accuracy.get("accuracy").asDouble(), 1e-6, tree.toString());
    JsonNode megamind = JSON.readTree(OutputNames.summary(out, "Megamind.avi").toFile());
    assertFalse(megamind.has("accuracy"), "no labels, no accuracy: " + megamind);
  }

  @Test
  void anInterruptedRunResumedGivesTheSameResultsAsAnUninterruptedOne() throws Exception {
    Path whole = tmp.resolve("whole");
    run(1, samples(), whole);

    Path resumed = tmp.resolve("resumed");
    CompletableFuture<BatchAnalyzeJob.Running> running = new CompletableFuture<>();
    BatchListener cancelAfterFirst =
        new BatchListener() {
          @Override
          public void onFile(FileOutcome outcome) {
            running.thenAccept(BatchAnalyzeJob.Running::cancel);
          }
        };
    running.complete(start(job(1), samples(), resumed, cancelAfterFirst));
    BatchRunReport first = running.get().report().toCompletableFuture().get();
    assertTrue(first.cancelled(), "the first run was cancelled");
    int finishedBefore = first.with(FileOutcome.Status.DONE).size();
    assertTrue(finishedBefore >= 1 && finishedBefore < 3, first.files().toString());
    assertNoPartialFiles(resumed);

    BatchRunReport second = run(1, samples(), resumed);
    assertFalse(second.cancelled());
    assertEquals(finishedBefore, second.with(FileOutcome.Status.SKIPPED).size());
    assertEquals(3 - finishedBefore, second.with(FileOutcome.Status.DONE).size());

    for (Path video : samples()) {
      String stream = video.getFileName().toString();
      assertSameResults(
          OutputNames.results(whole, stream), OutputNames.results(resumed, stream), stream);
    }
    assertNoPartialFiles(resumed);
  }

  @Test
  void aMissingDirectoryOrEmptyGlobIsReportedByName() {
    IOException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            IOException.class,
            () -> VideoInputs.expand(List.of(tmp.resolve("nothing-*.avi").toString())));
    assertTrue(e.getMessage().contains("nothing-*.avi"), e.getMessage());
  }

  @Test
  void globsAndDirectoriesExpandToSortedVideoFiles() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("videos"));
    Files.writeString(dir.resolve("b.avi"), "x");
    Files.writeString(dir.resolve("a.mp4"), "x");
    Files.writeString(dir.resolve("a.mp4.labels.csv"), "x");
    assertEquals(
        List.of(dir.resolve("a.mp4"), dir.resolve("b.avi")),
        VideoInputs.expand(List.of(dir.toString())));
    assertEquals(
        List.of(dir.resolve("b.avi")),
        VideoInputs.expand(List.of(dir.resolve("*.avi").toString())));
  }

  /**
   * Same frames, timestamps, model and labels; scores equal to 1e-3 (a frame classified in a batch
   * of another size may differ in the last bits, as the engine's GEMM blocks differently).
   */
  private static void assertSameResults(Path expected, Path actual, String stream)
      throws IOException {
    List<String> a = Files.readAllLines(expected);
    List<String> b = Files.readAllLines(actual);
    assertEquals(a.size(), b.size(), stream + ": lines");
    for (int i = 0; i < a.size(); i++) {
      JsonNode x = JSON.readTree(a.get(i));
      JsonNode y = JSON.readTree(b.get(i));
      String where = stream + " line " + i;
      assertEquals(x.get("frame"), y.get("frame"), where);
      assertEquals(x.get("pts_us"), y.get("pts_us"), where);
      assertEquals(x.get("model"), y.get("model"), where);
      assertEquals(
          x.get("top").get(0).get("score").asDouble(),
          y.get("top").get(0).get("score").asDouble(),
          1e-3,
          where);
    }
  }

  private static void assertNoPartialFiles(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      List<Path> partial = files.filter(p -> p.toString().endsWith(".part")).toList();
      assertTrue(partial.isEmpty(), "partial files left: " + partial);
    }
  }
}
