package io.vigil.pipeline.analyze;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import io.vigil.engine.model.Model;
import io.vigil.pipeline.stream.EngineClassifier;
import io.vigil.pipeline.video.SampleVideos;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code run-summary.json} keeps one record per run: a rerun never loses what earlier runs did. */
class RunSummaryHistoryTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static ActorSystem<Void> system;
  private static Model model;

  @TempDir Path tmp;

  @BeforeAll
  static void start() {
    system = ActorSystem.create(Behaviors.empty(), "run-summary-test", ConfigFactory.load());
    model = TestModels.untrained();
  }

  @AfterAll
  static void stop() {
    system.terminate();
  }

  private static BatchRunReport run(List<Path> videos, Path out) throws Exception {
    return new BatchAnalyzeJob(
            system, AnalyzeSettings.from(ConfigFactory.load()), new BatchSettings(1, 5))
        .start(videos, new EngineClassifier(model, 32, 3), model.input(), out, BatchListener.NONE)
        .report()
        .toCompletableFuture()
        .get();
  }

  @Test
  void rerunningAFinishedRunKeepsTheRecordOfTheRunThatDidTheWork() throws Exception {
    List<Path> videos = List.of(SampleVideos.file("tree.avi"));
    Path out = tmp.resolve("out");
    run(videos, out);
    BatchRunReport again = run(videos, out);
    assertEquals(1, again.with(FileOutcome.Status.SKIPPED).size(), again.files().toString());

    JsonNode runs = JSON.readTree(out.resolve(OutputNames.RUN_SUMMARY).toFile()).get("runs");
    assertEquals(2, runs.size(), runs.toString());
    JsonNode first = runs.get(0);
    assertEquals(1, first.get("done").asInt(), first.toString());
    assertEquals(68, first.get("frames").asLong(), first.toString());
    assertEquals("done", first.get("streams").get(0).get("status").asText());
    assertEquals(68, first.get("streams").get(0).get("frames").asLong());
    JsonNode second = runs.get(1);
    assertEquals(0, second.get("done").asInt(), second.toString());
    assertEquals(1, second.get("skipped").asInt(), second.toString());
  }

  @Test
  void aSummaryWrittenBeforeRunsWereKeptBecomesTheFirstRun() throws Exception {
    Path file =
        Files.writeString(
            tmp.resolve(OutputNames.RUN_SUMMARY),
            "{\"model\": \"v1\", \"done\": 2, \"frames\": 300, \"streams\": []}");

    assertEquals(300, BatchRunReport.earlierRuns(file).get(0).get("frames").asLong());
  }

  @Test
  void anUnreadableSummaryStopsTheRunBeforeAnyWorkNamingTheFile() throws Exception {
    Path out = Files.createDirectories(tmp.resolve("out"));
    Path file = Files.writeString(out.resolve(OutputNames.RUN_SUMMARY), "{ half a summ");

    IOException e =
        assertThrows(IOException.class, () -> OutputLayout.folder(out).prepare(List.of("a.avi")));

    assertTrue(e.getMessage().startsWith(file + ": not a run summary"), e.getMessage());
    assertEquals("{ half a summ", Files.readString(file));
  }
}
