package io.vigil.pipeline.analyze;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import io.vigil.engine.model.Model;
import io.vigil.pipeline.stream.EngineClassifier;
import io.vigil.pipeline.video.SampleVideos;
import java.nio.file.Path;
import java.util.List;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A stream's summary and the run's summary name the input with the same key, {@code source}. */
class SummaryNamesTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static ActorSystem<Void> system;

  @TempDir Path tmp;

  @BeforeAll
  static void start() {
    system = ActorSystem.create(Behaviors.empty(), "summary-names-test", ConfigFactory.load());
  }

  @AfterAll
  static void stop() {
    system.terminate();
  }

  @Test
  void bothSummariesCallTheInputSource() throws Exception {
    Model model = TestModels.untrained();
    Path video = SampleVideos.file("tree.avi");
    Path out = tmp.resolve("out");
    new BatchAnalyzeJob(system, AnalyzeSettings.from(ConfigFactory.load()), new BatchSettings(1, 5))
        .start(
            List.of(video),
            new EngineClassifier(model, 32, 3),
            model.input(),
            out,
            BatchListener.NONE)
        .report()
        .toCompletableFuture()
        .get();

    JsonNode entry =
        JSON.readTree(out.resolve(OutputNames.RUN_SUMMARY).toFile())
            .get("runs")
            .get(0)
            .get("streams")
            .get(0);
    assertEquals(video.toString(), entry.get("source").asText(), entry.toString());
    JsonNode stream =
        JSON.readTree(OutputNames.summary(out, entry.get("stream").asText()).toFile());
    assertEquals(video.toString(), stream.get("source").asText(), stream.toString());
    assertNull(entry.get("video"), entry.toString());
  }
}
