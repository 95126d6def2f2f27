package io.vigil.pipeline.service;

import static io.vigil.pipeline.service.LabelingFixtures.CLASSES;
import static io.vigil.pipeline.service.LabelingFixtures.INPUT;
import static io.vigil.pipeline.service.LabelingFixtures.doubtful;
import static io.vigil.pipeline.service.LabelingFixtures.frame;
import static io.vigil.pipeline.service.LabelingFixtures.settings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The labeling routes behind the service's guard: reading needs no token, labeling needs the right
 * one, and a wrong method is a JSON error too.
 */
class LabelingBehindTheServiceTest {

  private static final String TOKEN = "labeling-test-token-0123456789";

  @TempDir Path dir;

  private ActorTestKit kit;
  private HttpService http;
  private LabelingQueue queue;
  private String base;
  private final HttpClient client = HttpClient.newHttpClient();

  @BeforeEach
  void start() throws Exception {
    kit = ActorTestKit.create("labeling-behind-the-service");
    queue = new LabelingQueue(INPUT, CLASSES, dir.resolve("inbox"), settings(50, 128, 50, 20));
    queue.frame(frame("fashion", 1));
    queue.result(doubtful("fashion", 1, 0.01f));
    ServiceContext context =
        new ServiceContext(
            kit.system(),
            null,
            null,
            List.of(),
            null,
            new ServeSettings("127.0.0.1", 0, null, 1 << 20, 1 << 20, Duration.ofSeconds(5)),
            null,
            Map.of(),
            INPUT,
            CLASSES,
            List.of(),
            dir.resolve("inbox"),
            queue,
            List.of());
    http =
        HttpService.start(
            context,
            Optional.of(ApiToken.of(TOKEN)),
            List.of(new LabelingRoutes(queue, kit.system()).route()),
            Duration.ofSeconds(10));
    base = "http://127.0.0.1:" + http.port() + "/api/v1/labeling";
  }

  @AfterEach
  void stop() throws Exception {
    http.close();
    kit.shutdownTestKit();
  }

  private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpRequest.Builder label(String body) {
    return HttpRequest.newBuilder(URI.create(base + "/fashion-000001"))
        .POST(HttpRequest.BodyPublishers.ofString(body));
  }

  @Test
  void readingIsOpenLabelingNeedsTheToken() throws Exception {
    assertEquals(200, send(HttpRequest.newBuilder(URI.create(base))).statusCode());

    HttpResponse<String> without = send(label("{\"label\":\"Bag\"}"));
    assertEquals(401, without.statusCode());
    HttpResponse<String> wrong =
        send(label("{\"label\":\"Bag\"}").header("Authorization", "Bearer not-the-token-at-all"));
    assertEquals(401, wrong.statusCode());
    assertTrue(queue.item("fashion-000001").isPresent(), "nothing changed");

    HttpResponse<String> right =
        send(label("{\"label\":\"Bag\"}").header("Authorization", "Bearer " + TOKEN));
    assertEquals(200, right.statusCode(), right.body());
    assertEquals(1, Json.MAPPER.readTree(right.body()).get("labeled").asInt());
    assertTrue(queue.item("fashion-000001").isEmpty());
  }

  @Test
  void aWrongMethodIsAJsonError() throws Exception {
    HttpResponse<String> response =
        send(
            HttpRequest.newBuilder(URI.create(base + "/submit"))
                .DELETE()
                .header("Authorization", "Bearer " + TOKEN));
    assertEquals(405, response.statusCode(), response.body());
    JsonNode body = Json.MAPPER.readTree(response.body());
    assertEquals(405, body.get("status").asInt());
    assertTrue(body.get("message").asText().contains("POST"), response.body());
  }
}
