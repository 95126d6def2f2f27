package io.vigil.pipeline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.engine.backend.cpu.CpuBackend;
import io.vigil.engine.data.FashionMnist;
import io.vigil.engine.model.Model;
import io.vigil.engine.model.ModelFile;
import io.vigil.engine.model.Provenance;
import io.vigil.engine.zoo.LeNet5;
import io.vigil.onnx.ImportOptions;
import io.vigil.onnx.OnnxExport;
import io.vigil.onnx.OnnxImport;
import io.vigil.pipeline.analyze.TestModels;
import io.vigil.pipeline.video.ClipMaker;
import io.vigil.pipeline.video.ClipSpec;
import io.vigil.pipeline.video.LabelSidecar;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The API of {@code vigil serve} against the real service (pipeline, actors, registry, inbox):
 * every changing call needs the token; bad requests get a 4xx JSON error naming what is wrong and
 * change nothing; good ones do what they say.
 */
class ServeApiTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path dir;

  private static ServiceFixture service;

  @BeforeAll
  static void start() throws Exception {
    service =
        ServiceFixture.start(
            dir,
            "vigil.serve.max-model-bytes = 1MiB\n"
                + "vigil.serve.max-clip-bytes = 2MiB\n"
                + "vigil.retrain.fine-tune.epochs = 1\n");
  }

  @AfterAll
  static void stop() throws Exception {
    if (service != null) {
      service.close();
    }
  }

  private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return service.send(request.build());
  }

  private static JsonNode assertError(HttpResponse<String> r, int status, String inMessage)
      throws IOException {
    assertEquals(status, r.statusCode(), r.body());
    assertTrue(
        r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"),
        "errors are JSON: " + r.headers().map());
    JsonNode body = JSON.readTree(r.body());
    assertEquals(status, body.get("status").asInt(), r.body());
    assertTrue(
        body.get("message").asText().contains(inMessage),
        "message names '" + inMessage + "': " + r.body());
    return body;
  }

  private static HttpRequest.BodyPublisher json(String body) {
    return HttpRequest.BodyPublishers.ofString(body);
  }

  @Test
  void healthSaysLiveAndReadyWithTheModel() throws Exception {
    assertEquals("live", service.getJson("/health/live").get("status").asText());
    JsonNode ready = service.getJson("/health/ready");
    assertEquals("ready", ready.get("status").asText());
    assertTrue(ready.get("model").asText().startsWith("lenet5-fashion"), ready.toString());
  }

  @Test
  void changesNeedTheTokenAndAreRefusedWithoutOrWithAWrongOne() throws Exception {
    String add = "{\"id\": \"sneaky\", \"file\": \"../samples/fashion-clip.mp4\"}";
    HttpResponse<String> none = send(service.request("/api/v1/streams").POST(json(add)));
    assertError(none, 401, "Authorization: Bearer");
    assertTrue(none.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer"));
    HttpResponse<String> wrong =
        send(
            service
                .request("/api/v1/streams")
                .header("Authorization", "Bearer " + ServiceFixture.TOKEN + "x")
                .POST(json(add)));
    assertError(wrong, 401, "wrong API token");
    HttpResponse<String> basic =
        send(
            service
                .request("/api/v1/models/rollback")
                .header("Authorization", "Basic " + ServiceFixture.TOKEN)
                .POST(json("")));
    assertError(basic, 401, "wrong API token");
    assertFalse(streamIds().contains("sneaky"), "nothing was added");
  }

  @Test
  void badStreamEntriesAre400sNamingTheProblemAndAddNothing() throws Exception {
    String sample = Path.of("../samples/fashion-clip.mp4").toAbsolutePath().normalize().toString();
    assertError(post("/api/v1/streams", "{\"id\": \"a\", "), 400, "not a JSON object");
    assertError(post("/api/v1/streams", "[1, 2]"), 400, "not a JSON object");
    assertError(post("/api/v1/streams", "{\"file\": \"" + sample + "\"}"), 400, "needs an 'id'");
    assertError(
        post("/api/v1/streams", "{\"id\": \"../../etc/passwd\", \"file\": \"" + sample + "\"}"),
        400,
        "must be 1 to 64 letters");
    assertError(
        post("/api/v1/streams", "{\"id\": \"b\", \"file\": \"" + sample + "\", \"evry-nth\": 2}"),
        400,
        "every-nth");
    assertError(
        post("/api/v1/streams", "{\"id\": \"c\", \"file\": \"" + sample + "\", \"fps\": \"fast\"}"),
        400,
        "fps");
    assertError(
        post(
            "/api/v1/streams",
            "{\"id\": \"d\", \"file\": \"" + sample + "\", \"annotate\": \"/tmp/x.mp4\"}"),
        400,
        "only from the configuration");
    assertError(
        post("/api/v1/streams", "{\"id\": \"e\", \"file\": \"/no/such/clip.mp4\"}"),
        400,
        "/no/such/clip.mp4: no such file");
    assertError(
        post("/api/v1/streams", "{\"id\": \"fashion\", \"file\": \"" + sample + "\"}"),
        409,
        "fashion");
    for (String id : List.of("a", "b", "c", "d", "e")) {
      assertFalse(streamIds().contains(id), id + " was not added");
    }
    assertError(send(service.request("/api/v1/streams/nope").GET()), 404, "no stream 'nope'");
    assertError(send(service.authorized("/api/v1/streams/nope").DELETE()), 404, "nope");
  }

  @Test
  void aStreamAddedThroughTheApiRunsAndIsRemoved() throws Exception {
    String sample = Path.of("../samples/fashion-clip.mp4").toAbsolutePath().normalize().toString();
    HttpResponse<String> added =
        post(
            "/api/v1/streams", "{\"id\": \"cam-2\", \"file\": \"" + sample + "\", \"loop\": true}");
    assertEquals(201, added.statusCode(), added.body());
    assertTrue(streamIds().contains("cam-2"));
    JsonNode one = service.getJson("/api/v1/streams/cam-2");
    assertEquals("cam-2", one.get("id").asText());
    HttpResponse<String> removed = send(service.authorized("/api/v1/streams/cam-2").DELETE());
    assertEquals(200, removed.statusCode(), removed.body());
  }

  @Test
  void modelsListShowsTheActiveVersionAndUnknownVersionsAre404() throws Exception {
    JsonNode models = service.getJson("/api/v1/models");
    String active = models.get("active").asText();
    assertTrue(active.startsWith("lenet5-fashion"), models.toString());
    assertTrue(models.get("versions").get(0).has("sha256"));
    assertFalse(models.toString().contains(dir.toString()), "no server paths: " + models);
    assertError(send(service.request("/api/v1/models/v404").GET()), 404, "v404");
    assertError(
        send(service.authorized("/api/v1/models/v404/activate").POST(json(""))), 404, "v404");
  }

  @Test
  void uploadedModelsAreCheckedBeforeTheyAreRegistered() throws Exception {
    int versions = service.getJson("/api/v1/models").get("versions").size();
    HttpResponse<String> garbage =
        send(
            service
                .authorized("/api/v1/models")
                .POST(HttpRequest.BodyPublishers.ofByteArray("not a model".getBytes())));
    JsonNode error = assertError(garbage, 400, "the uploaded model file is not usable");
    assertFalse(error.toString().contains(".uploads"), "no staging path: " + error);
    HttpResponse<String> huge =
        send(
            service
                .authorized("/api/v1/models")
                // Just over the limit: a body much larger than the socket's buffers would still be
                // on its way when the server answers 413 and closes, and the client would see a
                // reset rather than the answer.
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[(1 << 20) + 4096])));
    assertError(huge, 413, "limit");
    assertEquals(versions, service.getJson("/api/v1/models").get("versions").size());
    assertTrue(stagingEmpty(dir.resolve("registry")), "staged uploads are removed");
  }

  @Test
  void anUploadedModelIsPublishedThenActivatedAndRolledBack() throws Exception {
    Model other = TestModels.untrained();
    Path file = dir.resolve("other.vgl");
    ModelFile.save(other, file);
    HttpResponse<String> uploaded =
        send(service.authorized("/api/v1/models").POST(HttpRequest.BodyPublishers.ofFile(file)));
    assertEquals(201, uploaded.statusCode(), uploaded.body());
    assertEquals(other.version(), JSON.readTree(uploaded.body()).get("version").asText());
    String before = service.getJson("/api/v1/models").get("active").asText();
    assertEquals(
        other.version(),
        service.getJson("/api/v1/models/" + other.version()).get("version").asText());

    HttpResponse<String> activated =
        send(service.authorized("/api/v1/models/" + other.version() + "/activate").POST(json("")));
    assertEquals(200, activated.statusCode(), activated.body());
    assertEquals(other.version(), service.getJson("/api/v1/models").get("active").asText());

    HttpResponse<String> rolledBack =
        send(service.authorized("/api/v1/models/rollback").POST(json("")));
    assertEquals(200, rolledBack.statusCode(), rolledBack.body());
    assertEquals(before, service.getJson("/api/v1/models").get("active").asText());
    JsonNode events = service.getJson("/api/v1/events?since=0");
    assertTrue(events.toString().contains("Swapped"), events.toString());
  }

  @Test
  void anUploadedOnnxFileIsImportedAndPublished() throws Exception {
    // A model of its own: the service is shared by the tests, and its versions with it.
    Model model =
        Model.create(
            "onnx-upload",
            LeNet5.create(11),
            LeNet5.INPUT,
            FashionMnist.CLASS_NAMES,
            new Provenance("none", 0, 0, null, "2026-12-07T10:00:00Z", "pipeline test"));
    byte[] onnx = OnnxExport.toBytes(model);
    String expected =
        OnnxImport.read(onnx, "upload", ImportOptions.defaults(), CpuBackend.shared()).version();
    HttpResponse<String> uploaded =
        send(
            service
                .authorized("/api/v1/models")
                .POST(HttpRequest.BodyPublishers.ofByteArray(onnx)));
    assertEquals(201, uploaded.statusCode(), uploaded.body());
    assertEquals(expected, JSON.readTree(uploaded.body()).get("version").asText());
    assertEquals(expected, service.getJson("/api/v1/models/" + expected).get("version").asText());
  }

  @Test
  void aLabeledClipUploadIsProbedAndQueuedUnderAServerChosenName() throws Exception {
    Path clip = dir.resolve("clip.mp4");
    ClipMaker.fashionMnist(FashionMnist.DEFAULT_DIR, ClipMaker.Split.TRAIN)
        .make(
            ClipSpec.builder().setItems(40).optFramesPerItem(1).optScale(28).optFps(30).build(),
            clip,
            ClipMaker.Progress.NONE);
    byte[] video = Files.readAllBytes(clip);
    byte[] labels = Files.readAllBytes(LabelSidecar.pathFor(clip));

    Multipart missing = new Multipart().file("video", "x.mp4", video);
    assertError(post("/api/v1/clips", missing), 400, "missing: labels");
    Multipart badLabels =
        new Multipart()
            .file("video", "x.mp4", video)
            .file("labels", "x.csv", "frame,label\n0,banana\n".getBytes(StandardCharsets.UTF_8));
    assertError(post("/api/v1/clips", badLabels), 400, "cannot be used for training");
    Multipart notVideo =
        new Multipart()
            .file("video", "x.mp4", "hello".getBytes(StandardCharsets.UTF_8))
            .file("labels", "x.csv", labels);
    assertError(post("/api/v1/clips", notVideo), 400, "cannot be used for training");
    Multipart huge =
        new Multipart()
            .file("video", "x.mp4", new byte[(2 << 20) + 4096])
            .file("labels", "x.csv", labels);
    assertError(post("/api/v1/clips", huge), 413, "limit");
    Multipart stranger =
        new Multipart().file("video", "x.mp4", video).file("../../etc/passwd", "x", labels);
    assertError(post("/api/v1/clips", stranger), 400, "unknown form field");
    assertTrue(stagingEmpty(dir.resolve("inbox")), "failed uploads leave nothing staged");

    Multipart good =
        new Multipart()
            .file("video", "../../etc/passwd.mp4", video)
            .file("labels", "../../labels.csv", labels);
    HttpResponse<String> accepted = post("/api/v1/clips", good);
    assertEquals(201, accepted.statusCode(), accepted.body());
    JsonNode body = JSON.readTree(accepted.body());
    String name = body.get("clip").asText();
    assertTrue(name.matches("upload-[0-9]{8}-[0-9]{6}-[0-9a-z]+\\.mp4"), name);
    assertEquals(40, body.get("frames").asInt());
    assertFalse(Files.exists(dir.resolve("etc")), "no client path reached the disk");
    JsonNode listed = service.getJson("/api/v1/clips");
    assertTrue(listed.toString().contains(name), listed.toString());
    assertEquals(name, service.getJson("/api/v1/clips/" + name).get("name").asText());
    assertError(send(service.request("/api/v1/clips/none.mp4").GET()), 404, "none.mp4");
  }

  @Test
  void trainerAndEventsAnswerAndABadSinceIsA400() throws Exception {
    JsonNode trainer = service.getJson("/api/v1/trainer");
    assertTrue(trainer.get("state").asText().matches("idle|training"), trainer.toString());
    assertTrue(trainer.get("history").isArray());
    JsonNode events = service.getJson("/api/v1/events");
    assertTrue(events.get("next").asInt() >= events.get("events").size());
    assertError(send(service.request("/api/v1/events?since=soon").GET()), 400, "whole number");
    assertError(send(service.request("/api/v1/events?since=-1").GET()), 400, "negative");
  }

  @Test
  void metricsAreServedInThePrometheusTextFormatWithoutAToken() throws Exception {
    HttpResponse<String> r = send(service.request("/metrics").GET());
    assertEquals(200, r.statusCode());
    assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
    assertTrue(r.body().contains("vigil_frames_in_total{stream=\"fashion\"}"), r.body());
    assertTrue(r.body().contains("# TYPE vigil_result_latency_seconds histogram"), r.body());
  }

  @Test
  void everyReadTheOpenApiDescriptionListsIsServed() throws Exception {
    JsonNode doc = service.getJson("/api/v1/openapi.json");
    assertEquals("3.0.3", doc.get("openapi").asText());
    String active = service.getJson("/api/v1/models").get("active").asText();
    List<String> checked = new ArrayList<>();
    for (var path : (Iterable<java.util.Map.Entry<String, JsonNode>>) doc.get("paths")::fields) {
      if (!path.getValue().has("get") || path.getKey().endsWith(".mjpg")) {
        continue; // the MJPEG stream never ends; its route is tested with the dashboard
      }
      String concrete =
          path.getKey()
              .replace("{id}", "fashion")
              .replace("{version}", active)
              .replace("{name}", "none.mp4")
              .replace("{file}", "app.js");
      HttpResponse<String> r = send(service.request(concrete).GET());
      assertFalse(
          r.statusCode() == 404 && r.body().contains("could not be found"),
          path.getKey() + " is documented but not routed");
      assertTrue(r.statusCode() < 500, path.getKey() + ": " + r.statusCode() + " " + r.body());
      checked.add(path.getKey());
    }
    assertTrue(checked.size() >= 12, "documented reads: " + checked);
  }

  @Test
  void unknownPathsAndMethodsAreJsonErrors() throws Exception {
    assertError(send(service.request("/api/v1/nothing").GET()), 404, "could not be found");
    assertError(send(service.authorized("/api/v1/trainer").PUT(json("{}"))), 405, "not allowed");
  }

  private static HttpResponse<String> post(String path, String body) throws Exception {
    return send(
        service.authorized(path).header("Content-Type", "application/json").POST(json(body)));
  }

  private static HttpResponse<String> post(String path, Multipart form) throws Exception {
    return send(
        service
            .authorized(path)
            .header("Content-Type", "multipart/form-data; boundary=" + Multipart.BOUNDARY)
            .POST(HttpRequest.BodyPublishers.ofByteArray(form.bytes())));
  }

  private static List<String> streamIds() throws Exception {
    List<String> ids = new ArrayList<>();
    for (JsonNode s : service.getJson("/api/v1/streams").get("streams")) {
      if (s.get("running").asBoolean()) {
        ids.add(s.get("id").asText());
      }
    }
    return ids;
  }

  private static boolean stagingEmpty(Path owner) throws IOException {
    Path staging = owner.resolve(".uploads");
    if (!Files.isDirectory(staging)) {
      return true;
    }
    try (Stream<Path> files = Files.list(staging)) {
      return files.findAny().isEmpty();
    }
  }

  /** A multipart/form-data body, as a browser's form sends it. */
  static final class Multipart {
    static final String BOUNDARY = "vigil-test-boundary-7c1f";
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    Multipart file(String field, String filename, byte[] content) throws IOException {
      out.write(
          ("--"
                  + BOUNDARY
                  + "\r\nContent-Disposition: form-data; name=\""
                  + field
                  + "\"; filename=\""
                  + filename
                  + "\"\r\nContent-Type: application/octet-stream\r\n\r\n")
              .getBytes(StandardCharsets.UTF_8));
      out.write(content);
      out.write("\r\n".getBytes(StandardCharsets.UTF_8));
      return this;
    }

    byte[] bytes() {
      return (out.toString(StandardCharsets.ISO_8859_1) + "--" + BOUNDARY + "--\r\n")
          .getBytes(StandardCharsets.ISO_8859_1);
    }
  }
}
