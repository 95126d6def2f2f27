package io.vigil.pipeline.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.apache.pekko.Done;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The dashboard's routes over real HTTP, against synthetic streams. */
class DashboardRoutesTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static DashboardServer server;
  private static HttpClient http;

  @BeforeAll
  static void start() throws Exception {
    server = new DashboardServer(java.util.Set.of("cam1", "cam2", "cam3"));
    http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  private static HttpResponse<byte[]> get(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(server.base() + path))
            .timeout(Duration.ofSeconds(10))
            .build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  private static JsonNode json(HttpResponse<byte[]> r) throws IOException {
    assertTrue(
        r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"),
        r.headers().toString());
    return JSON.readTree(r.body());
  }

  @Test
  void servesThePageAndItsAssets() throws Exception {
    HttpResponse<byte[]> page = get("/");
    assertEquals(200, page.statusCode());
    assertTrue(page.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
    String html = new String(page.body(), StandardCharsets.UTF_8);
    assertTrue(html.contains("/dashboard/app.js") && html.contains("uPlot"), html);
    for (String asset :
        List.of(
            "app.js",
            "api.js",
            "streams.js",
            "models.js",
            "trainer.js",
            "labeling.js",
            "charts.js",
            "dashboard.css",
            "vendor/uPlot.iife.min.js",
            "vendor/uPlot.min.css",
            "vendor/uPlot.LICENSE.txt")) {
      HttpResponse<byte[]> r = get("/dashboard/" + asset);
      assertEquals(200, r.statusCode(), asset);
      assertTrue(r.body().length > 100, asset);
    }
    assertTrue(
        get("/dashboard/app.js")
            .headers()
            .firstValue("Content-Type")
            .orElse("")
            .contains("javascript"),
        "module scripts need a JavaScript content type");
  }

  @Test
  void assetsStayInsideTheirFolder() throws Exception {
    assertNotEquals(200, get("/dashboard/../DashboardRoutes.class").statusCode());
    assertNotEquals(200, get("/dashboard/%2e%2e/DashboardRoutes.class").statusCode());
    assertNotEquals(200, get("/dashboard/nothing.js").statusCode());
  }

  @Test
  void theLatestFrameIsAJpegThatMovesOn() throws Exception {
    HttpResponse<byte[]> first = awaitFrame("cam1");
    assertEquals("image/jpeg", first.headers().firstValue("Content-Type").orElseThrow());
    assertNotNull(ImageIO.read(new ByteArrayInputStream(first.body())));
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    byte[] next = first.body();
    while (java.util.Arrays.equals(next, first.body()) && System.nanoTime() < deadline) {
      next = get("/api/v1/streams/cam1/frame.jpg").body();
    }
    assertTrue(!java.util.Arrays.equals(next, first.body()), "a later frame differs");
  }

  @Test
  void anUnknownStreamIsAJson404() throws Exception {
    for (String path :
        List.of("/api/v1/streams/cam9/frame.jpg", "/api/v1/streams/cam9/frames.mjpg")) {
      HttpResponse<byte[]> r = get(path);
      assertEquals(404, r.statusCode(), path);
      JsonNode body = json(r);
      assertEquals(404, body.get("status").asInt());
      assertEquals("stream cam9 does not run", body.get("message").asText());
    }
  }

  @Test
  void mjpegSendsSuccessiveJpegPartsUntilTheClientGoes() throws Exception {
    HttpResponse<InputStream> r =
        http.send(
            HttpRequest.newBuilder(URI.create(server.base() + "/api/v1/streams/cam2/frames.mjpg"))
                .build(),
            HttpResponse.BodyHandlers.ofInputStream());
    assertEquals(200, r.statusCode());
    assertEquals(
        "multipart/x-mixed-replace; boundary=vigilframe",
        r.headers().firstValue("Content-Type").orElseThrow());
    List<byte[]> parts = new ArrayList<>();
    try (InputStream in = r.body()) {
      while (parts.size() < 3) {
        parts.add(readPart(in));
      }
    }
    for (byte[] p : parts) {
      assertNotNull(ImageIO.read(new ByteArrayInputStream(p)), "each part is a JPEG");
    }
    assertTrue(!java.util.Arrays.equals(parts.get(0), parts.get(2)), "parts are successive frames");
  }

  @Test
  void anMjpegResponseEndsWhenItsClientGoes() throws Exception {
    List<CompletionStage<Done>> before = server.dashboard.frameStreams();
    HttpResponse<InputStream> r =
        http.send(
            HttpRequest.newBuilder(URI.create(server.base() + "/api/v1/streams/cam1/frames.mjpg"))
                .build(),
            HttpResponse.BodyHandlers.ofInputStream());
    CompletionStage<Done> ended;
    try (InputStream in = r.body()) {
      readPart(in);
      // Other tests' responses may still be ending: this one is the one that was not there before.
      List<CompletionStage<Done>> open = new ArrayList<>(server.dashboard.frameStreams());
      open.removeIf(f -> before.stream().anyMatch(b -> b == f));
      assertEquals(1, open.size());
      ended = open.get(0);
      assertTrue(!ended.toCompletableFuture().isDone());
    }
    // Closing the body drops the connection; the server's ticking source stops with it.
    ended.toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void anMjpegResponseEndsWhenItsStreamStops() throws Exception {
    HttpResponse<InputStream> r =
        http.send(
            HttpRequest.newBuilder(URI.create(server.base() + "/api/v1/streams/cam3/frames.mjpg"))
                .build(),
            HttpResponse.BodyHandlers.ofInputStream());
    try (InputStream in = r.body()) {
      readPart(in);
      server.streams.stop("cam3");
      // The response completes: reading runs to the end of the body instead of blocking.
      in.readAllBytes();
    }
    assertEquals(404, get("/api/v1/streams/cam3/frame.jpg").statusCode());
  }

  @Test
  void historyHasSamplesPerStreamWithAccuracyWhereLabeled() throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    JsonNode h = null;
    while (System.nanoTime() < deadline) {
      h = json(get("/api/v1/history"));
      if (samples(h, "cam1") >= 8 && samples(h, "cam2") >= 8) {
        break;
      }
    }
    assertNotNull(h);
    assertEquals(DashboardServer.SAMPLE_EVERY.toMillis(), h.get("intervalMillis").asLong());
    JsonNode cam1 = stream(h, "cam1");
    JsonNode cam2 = stream(h, "cam2");
    assertTrue(cam1.get("labeled").asBoolean());
    assertTrue(!cam2.get("labeled").asBoolean());
    JsonNode last1 = last(cam1);
    JsonNode last2 = last(cam2);
    // One in five predictions is wrong against all-Sneaker labels.
    assertEquals(0.8, last1.get("accuracy").asDouble(), 0.1);
    assertTrue(last2.get("accuracy").isNull());
    // Every 10th frame is dropped: 9 out for 10 in. A sample's rates share its interval, so the
    // ratio of the sums is a weighted mean of the intervals' ratios, whatever the timing.
    double in = 0;
    double out = 0;
    double drops = 0;
    for (JsonNode s : cam2.get("samples")) {
      in += s.get("framesInPerSecond").asDouble();
      out += s.get("framesOutPerSecond").asDouble();
      drops += s.get("droppedPerSecond").asDouble();
    }
    assertTrue(in > 0, "frames came in");
    assertEquals(0.9, out / in, 0.06, "out/in over " + cam2.get("samples").size() + " samples");
    assertEquals(0.1, drops / in, 0.06, "dropped/in");
    assertTrue(last1.get("latencyP99").asDouble() >= last1.get("latencyP50").asDouble());

    long since = last1.get("atMillis").asLong();
    JsonNode newer = json(get("/api/v1/history?since=" + since));
    for (JsonNode s : stream(newer, "cam1").get("samples")) {
      assertTrue(s.get("atMillis").asLong() > since);
    }
    HttpResponse<byte[]> bad = get("/api/v1/history?since=yesterday");
    assertEquals(400, bad.statusCode());
    assertTrue(json(bad).get("message").asText().contains("yesterday"));
  }

  private static HttpResponse<byte[]> awaitFrame(String stream) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    HttpResponse<byte[]> r = get("/api/v1/streams/" + stream + "/frame.jpg");
    while (r.statusCode() == 503 && System.nanoTime() < deadline) {
      r = get("/api/v1/streams/" + stream + "/frame.jpg");
    }
    assertEquals(200, r.statusCode(), new String(r.body(), StandardCharsets.UTF_8));
    return r;
  }

  /** Reads one MJPEG part: boundary line, headers, Content-Length bytes. */
  private static byte[] readPart(InputStream in) throws IOException {
    String line;
    do {
      line = readLine(in);
    } while (line.isEmpty());
    assertEquals("--vigilframe", line);
    int length = -1;
    while (!(line = readLine(in)).isEmpty()) {
      if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
        length = Integer.parseInt(line.substring(15).trim());
      } else {
        assertEquals("content-type: image/jpeg", line.toLowerCase(java.util.Locale.ROOT));
      }
    }
    assertTrue(length > 0, "each part has a Content-Length");
    return in.readNBytes(length);
  }

  private static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) != '\n') {
      if (c < 0) {
        throw new IOException("the MJPEG stream ended");
      }
      if (c != '\r') {
        b.write(c);
      }
    }
    return b.toString(StandardCharsets.US_ASCII);
  }

  private static JsonNode stream(JsonNode history, String id) {
    for (JsonNode s : history.get("streams")) {
      if (s.get("id").asText().equals(id)) {
        return s;
      }
    }
    throw new AssertionError("no history for " + id + ": " + history);
  }

  private static int samples(JsonNode history, String id) {
    for (JsonNode s : history.get("streams")) {
      if (s.get("id").asText().equals(id)) {
        return s.get("samples").size();
      }
    }
    return 0;
  }

  private static JsonNode last(JsonNode stream) {
    JsonNode samples = stream.get("samples");
    return samples.get(samples.size() - 1);
  }
}
