package io.vigil.pipeline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.pipeline.control.ControlEvent;
import io.vigil.pipeline.control.EventJournal;
import io.vigil.pipeline.video.LabelSidecar;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The loop the labeling queue closes, through the API of the whole service: a scene turns to its
 * negative, the model grows unsure, a person labels the frames it is least sure of, the labels go
 * to the inbox as a clip, the trainer fine-tunes, the gate passes and the new version is swapped
 * into the stream.
 */
class LabelingRetrainsTheServiceTest {

  private static final Path SCENE =
      Path.of("../samples/retrain/scene-change.mp4").toAbsolutePath().normalize();

  @TempDir Path dir;

  @Test
  void labelsOfTheChangedSceneTrainAVersionThatPassesTheGateAndIsSwappedIn() throws Exception {
    int[] truth = LabelSidecar.read(LabelSidecar.pathFor(SCENE));
    ActorTestKit kit = ActorTestKit.create("labeling-e2e");
    try (ServiceFixture service =
        ServiceFixture.start(
            dir,
            String.join(
                "\n",
                "vigil.run.streams = [ { id = \"scene\", file = \""
                    + SCENE
                    + "\", loop = true,"
                    + " fps = 100 } ]",
                // As config/serve.conf: gentle enough for ~100 labeled frames to pass the gate.
                "vigil.retrain.fine-tune { learning-rate = 0.0002, replay-ratio = 4.0 }"))) {
      List<String> classes = service.context().classNames();
      String before = service.getJson("/api/v1/models").get("active").asText();
      TestProbe<Object> probe = kit.createTestProbe();
      int[] labeled = {0};
      // A person at the dashboard: label what the queue offers until a clip has gone out.
      probe.awaitAssert(
          Duration.ofSeconds(240),
          Duration.ofMillis(200),
          () -> {
            JsonNode queue = getJson(service, "/api/v1/labeling");
            for (JsonNode stream : queue.get("streams")) {
              for (JsonNode item : stream.get("items")) {
                String label =
                    classes.get(truth[(int) (item.get("frame").asLong() % truth.length)]);
                HttpResponse<String> r =
                    send(
                        service,
                        service
                            .authorized("/api/v1/labeling/" + item.get("id").asText())
                            .header("Content-Type", "application/json")
                            .POST(
                                HttpRequest.BodyPublishers.ofString(
                                    "{\"label\": \"" + label + "\"}")));
                if (r.statusCode() == 200) {
                  labeled[0]++;
                }
              }
            }
            assertTrue(
                getJson(service, "/api/v1/labeling").get("clipsSent").asInt() >= 1,
                "a clip of labels went to the inbox (" + labeled[0] + " labeled)");
            return null;
          });
      probe.awaitAssert(
          Duration.ofSeconds(300),
          Duration.ofMillis(500),
          () -> {
            assertTrue(
                !EventJournal.only(service.context().journal(), ControlEvent.Swapped.class)
                    .isEmpty(),
                "swapped: " + service.context().journal());
            return null;
          });
      JsonNode trainer = service.getJson("/api/v1/trainer");
      JsonNode run = trainer.get("history").get(0);
      assertEquals("passed", run.get("outcome").asText(), trainer.toString());
      String candidate = run.get("candidate").asText();
      assertEquals(candidate, run.get("published").asText(), trainer.toString());
      assertTrue(
          run.get("newSceneAfter").asDouble() > run.get("newSceneBefore").asDouble(),
          trainer.toString());
      JsonNode models = service.getJson("/api/v1/models");
      assertEquals(candidate, models.get("active").asText(), models.toString());
      assertTrue(!candidate.equals(before));
      JsonNode clips = service.getJson("/api/v1/clips");
      assertTrue(clips.toString().contains("\"used\""), clips.toString());
    } finally {
      kit.shutdownTestKit();
    }
  }

  private static JsonNode getJson(ServiceFixture service, String path) {
    try {
      return service.getJson(path);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static HttpResponse<String> send(ServiceFixture service, HttpRequest.Builder request) {
    try {
      return service.send(request.build());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
