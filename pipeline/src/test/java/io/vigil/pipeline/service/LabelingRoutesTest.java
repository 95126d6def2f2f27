package io.vigil.pipeline.service;

import static io.vigil.pipeline.service.LabelingFixtures.CLASSES;
import static io.vigil.pipeline.service.LabelingFixtures.INPUT;
import static io.vigil.pipeline.service.LabelingFixtures.doubtful;
import static io.vigil.pipeline.service.LabelingFixtures.frame;
import static io.vigil.pipeline.service.LabelingFixtures.pictureOf;
import static io.vigil.pipeline.service.LabelingFixtures.settings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.pipeline.video.LabeledClips;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The labeling API on a real server on a loopback port, called over HTTP. */
class LabelingRoutesTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static ActorTestKit kit;
  private static HttpClient client;

  @TempDir Path dir;

  private Path inbox;
  private LabelingQueue queue;
  private ServerBinding binding;
  private String base;

  @BeforeAll
  static void startSystem() {
    kit = ActorTestKit.create("labeling-routes");
    client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  }

  @AfterAll
  static void stopSystem() {
    kit.shutdownTestKit();
  }

  @BeforeEach
  void bind() throws Exception {
    inbox = dir.resolve("inbox");
    queue = new LabelingQueue(INPUT, CLASSES, inbox, settings(50, 128, 50, 20));
    for (int i = 0; i < 25; i++) {
      queue.frame(frame("fashion", i));
      queue.result(doubtful("fashion", i, 0.001f * i));
    }
    binding =
        Http.get(kit.system())
            .newServerAt("127.0.0.1", 0)
            .bind(new LabelingRoutes(queue, kit.system()).route())
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
    base = "http://127.0.0.1:" + binding.localAddress().getPort() + "/api/v1/labeling";
  }

  @AfterEach
  void unbind() throws Exception {
    binding.unbind().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static HttpResponse<byte[]> send(HttpRequest request) throws Exception {
    return client.send(request, HttpResponse.BodyHandlers.ofByteArray());
  }

  private HttpResponse<byte[]> get(String path) throws Exception {
    return send(HttpRequest.newBuilder(URI.create(base + path)).GET().build());
  }

  private HttpResponse<byte[]> post(String path, String body) throws Exception {
    return send(
        HttpRequest.newBuilder(URI.create(base + path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build());
  }

  private static JsonNode json(HttpResponse<byte[]> response) throws Exception {
    assertEquals(
        "application/json", response.headers().firstValue("Content-Type").orElse("(none)"));
    return JSON.readTree(response.body());
  }

  /** An error response: its status, the JSON error format, and a message holding {@code text}. */
  private static void assertError(int status, String text, HttpResponse<byte[]> response)
      throws Exception {
    JsonNode body = json(response);
    assertEquals(status, response.statusCode(), body.toString());
    assertEquals(status, body.get("status").asInt());
    assertTrue(body.get("error").isTextual() && !body.get("error").asText().isEmpty());
    assertTrue(body.get("message").asText().contains(text), body.toString());
  }

  @Test
  void listsTheClassesAndEachStreamsItemsLeastSureFirst() throws Exception {
    HttpResponse<byte[]> response = get("");
    assertEquals(200, response.statusCode());
    JsonNode body = json(response);
    assertEquals(CLASSES, JSON.convertValue(body.get("classes"), List.class));
    JsonNode stream = body.get("streams").get(0);
    assertEquals("fashion", stream.get("stream").asText());
    assertEquals(25, stream.get("items").size());
    JsonNode first = stream.get("items").get(0);
    assertEquals("fashion-000000", first.get("id").asText());
    assertEquals("fashion", first.get("stream").asText());
    assertEquals(0, first.get("frame").asLong());
    assertEquals("v1", first.get("version").asText());
    assertEquals("Shirt", first.get("top").get(0).get("label").asText());
    assertEquals(0.4, first.get("top").get(0).get("score").asDouble(), 1e-6);
    assertEquals(0.0, first.get("margin").asDouble(), 1e-6);
    assertEquals(0.024, stream.get("items").get(24).get("margin").asDouble(), 1e-6);
    assertEquals(0, body.get("labeled").asInt());
    assertEquals(0, body.get("clipsSent").asInt());
    assertEquals(50, body.get("perClip").asInt());
  }

  @Test
  void theImageIsThePngOfWhatTheModelSaw() throws Exception {
    HttpResponse<byte[]> response = get("/fashion-000007/image");
    assertEquals(200, response.statusCode());
    assertEquals("image/png", response.headers().firstValue("Content-Type").orElse("(none)"));
    BufferedImage png = ImageIO.read(new ByteArrayInputStream(response.body()));
    assertEquals(INPUT.width(), png.getWidth());
    assertEquals(INPUT.height(), png.getHeight());
    byte[] picture = pictureOf("fashion", 7);
    for (int y = 0; y < png.getHeight(); y++) {
      for (int x = 0; x < png.getWidth(); x++) {
        assertEquals(picture[y * png.getWidth() + x] & 0xff, png.getRaster().getSample(x, y, 0));
      }
    }
    assertError(404, "fashion-999999", get("/fashion-999999/image"));
  }

  @Test
  void labelingAndSkippingTakeItemsOutAndCount() throws Exception {
    HttpResponse<byte[]> labeled = post("/fashion-000003", "{\"label\":\"Trouser\"}");
    assertEquals(200, labeled.statusCode());
    assertEquals(1, json(labeled).get("labeled").asInt());
    HttpResponse<byte[]> skipped = post("/fashion-000004", "{\"skip\":true}");
    assertEquals(200, skipped.statusCode());
    assertEquals(1, json(skipped).get("labeled").asInt());

    JsonNode list = json(get(""));
    assertEquals(23, list.get("streams").get(0).get("items").size());
    assertEquals(1, list.get("labeled").asInt());
    assertError(404, "fashion-000003", post("/fashion-000003", "{\"label\":\"Trouser\"}"));
    assertError(404, "fashion-000004", get("/fashion-000004/image"));
  }

  @Test
  void anUnknownIdIs404() throws Exception {
    assertError(404, "cam9-000001", post("/cam9-000001", "{\"label\":\"Trouser\"}"));
    assertError(404, "cam9-000001", post("/cam9-000001", "{\"skip\":true}"));
  }

  @Test
  void aClassTheModelDoesNotHaveIs400NamingTheClasses() throws Exception {
    HttpResponse<byte[]> response = post("/fashion-000001", "{\"label\":\"Hat\"}");
    assertError(400, "'Hat' is not one of the model's classes", response);
    assertError(400, String.join(", ", CLASSES), response);
    assertTrue(queue.item("fashion-000001").isPresent(), "the item still waits");
  }

  @Test
  void malformedBodiesAre400AndChangeNothing() throws Exception {
    String expected = "expected {\"label\": \"CLASS\"} or {\"skip\": true}";
    for (String body :
        List.of(
            "{\"label\":",
            "",
            "[\"Trouser\"]",
            "\"Trouser\"",
            "{}",
            "{\"label\":3}",
            "{\"label\":null}",
            "{\"skip\":false}",
            "{\"skip\":\"yes\"}",
            "{\"label\":\"Trouser\",\"skip\":true}",
            "{\"label\":\"Trouser\",\"why\":1}")) {
      HttpResponse<byte[]> response = post("/fashion-000002", body);
      assertError(400, expected, response);
    }
    assertTrue(queue.item("fashion-000002").isPresent());
    assertEquals(0, queue.snapshot().labeled());
    assertEquals(0, queue.snapshot().streams().get("fashion").size() - 25);
  }

  @Test
  void submitWritesTheLabeledFramesAsOneClipOrSaysWhyNot() throws Exception {
    assertError(409, "no frames are labeled yet", post("/submit", ""));
    for (int i = 0; i < 20; i++) {
      String label = CLASSES.get(i % CLASSES.size());
      assertEquals(
          200,
          post("/fashion-" + String.format("%06d", i), "{\"label\":\"" + label + "\"}")
              .statusCode());
    }
    HttpResponse<byte[]> response = post("/submit", "");
    assertEquals(200, response.statusCode());
    JsonNode body = json(response);
    assertEquals(20, body.get("frames").asInt());
    String clip = body.get("clip").asText();
    assertTrue(clip.matches("labeled-\\d{8}-\\d{6}-\\d+\\.mkv"), clip);
    assertTrue(Files.isRegularFile(inbox.resolve(clip)));
    assertEquals(20, LabeledClips.read(inbox.resolve(clip), INPUT, CLASSES).count());

    JsonNode list = json(get(""));
    assertEquals(0, list.get("labeled").asInt());
    assertEquals(1, list.get("clipsSent").asInt());
    assertError(409, "no frames are labeled yet", post("/submit", ""));
  }
}
