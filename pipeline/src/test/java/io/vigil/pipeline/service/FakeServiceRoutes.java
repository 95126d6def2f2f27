package io.vigil.pipeline.service;

import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import javax.imageio.ImageIO;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * Stand-ins for the parts of the service API the dashboard calls besides its own routes (streams,
 * models, events, trainer, labeling, health), with the service's token rule: every method other
 * than GET and HEAD needs {@code Authorization: Bearer TOKEN}. Versions v1..v3, v3 serving; a
 * rollback goes back one activation and is journaled as a swap, as the real service does.
 */
final class FakeServiceRoutes extends AllDirectives {

  static final String TOKEN = "dashboard-test-token-0123456789";

  /** Why the stand-in refuses to activate v1. */
  static final String REFUSED = "v1 failed its check before activation";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Supplier<java.util.Set<String>> streams;
  private final SyntheticStreams synthetic;
  private final List<String> activations = new ArrayList<>(List.of("v1", "v2", "v3"));
  final List<Map<String, Object>> events = new CopyOnWriteArrayList<>();
  final List<String> labeled = new CopyOnWriteArrayList<>();
  final List<String> rollbacks = new CopyOnWriteArrayList<>();
  final List<String> uploads = new CopyOnWriteArrayList<>();
  private final List<String> queue =
      new CopyOnWriteArrayList<>(List.of("cam1-000004", "cam1-000009"));

  FakeServiceRoutes(SyntheticStreams synthetic) {
    this.synthetic = synthetic;
    this.streams = synthetic::streams;
    Instant start = Instant.now().minusSeconds(300);
    event(start, "VersionPublished", "published v2 (from v1)");
    swapped(start.plusSeconds(10), "v1", "v2", " (loaded and tried in 40 ms)");
    event(start.plusSeconds(200), "GateDecided", "gate passed v3: accuracy up 4 points");
    event(start.plusSeconds(201), "VersionPublished", "published v3 (from v2)");
    swapped(start.plusSeconds(202), "v2", "v3", " (loaded and tried in 38 ms)");
  }

  synchronized String active() {
    return activations.get(activations.size() - 1);
  }

  Route route() {
    return concat(
        method(HttpMethods.GET, () -> reads()),
        method(HttpMethods.HEAD, () -> reads()),
        method(HttpMethods.GET, () -> error(StatusCodes.NOT_FOUND, "no such resource")),
        headerValueByName(
            "Authorization",
            auth ->
                ("Bearer " + TOKEN).equals(auth)
                    ? changes()
                    : error(StatusCodes.UNAUTHORIZED, "the bearer token is wrong")),
        error(StatusCodes.UNAUTHORIZED, "this call needs a bearer token"));
  }

  private Route reads() {
    return concat(
        path(segment("health").slash("ready"), () -> json(Map.of("ready", true))),
        pathPrefix(
            segment("api").slash("v1"),
            () ->
                concat(
                    path("streams", () -> now(() -> Map.of("streams", streamList()))),
                    path("models", () -> now(this::models)),
                    path(
                        "events",
                        () -> parameter("since", s -> json(eventsSince(Integer.parseInt(s))))),
                    path("trainer", () -> now(FakeServiceRoutes::trainer)),
                    path("labeling", () -> now(this::labeling)),
                    path(
                        segment("labeling").slash(segment()).slash("image"),
                        id ->
                            complete(
                                HttpResponse.create()
                                    .withEntity(
                                        MediaTypes.IMAGE_PNG.toContentType(),
                                        png(SyntheticStreams.pixels(id.hashCode()))))))));
  }

  private Route changes() {
    return pathPrefix(
        segment("api").slash("v1"),
        () ->
            concat(
                path(segment("models").slash("rollback"), () -> post(() -> now(this::rollback))),
                path(
                    "clips",
                    () ->
                        post(
                            () ->
                                entity(
                                    org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller
                                        .entityToString(),
                                    body -> {
                                      uploads.add(body);
                                      return json(
                                          StatusCodes.CREATED,
                                          Map.of(
                                              "clip", "clip-test.mp4",
                                              "frames", 3,
                                              "status", "waiting"));
                                    }))),
                path(
                    segment("models").slash(segment()).slash("activate"),
                    v ->
                        post(
                            () ->
                                v.equals("v1")
                                    ? error(StatusCodes.CONFLICT, REFUSED)
                                    : now(() -> activate(v)))),
                path(
                    segment("labeling").slash("submit"),
                    () ->
                        post(
                            () ->
                                now(
                                    () ->
                                        Map.of(
                                            "clip",
                                            "labeled-test.mp4",
                                            "frames",
                                            labeled.size())))),
                path(
                    segment("labeling").slash(segment()),
                    id ->
                        post(
                            () ->
                                entity(
                                    org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller
                                        .entityToString(),
                                    body -> json(label(id, body)))))));
  }

  private synchronized Map<String, Object> rollback() {
    String from = active();
    activations.remove(activations.size() - 1);
    String to = active();
    rollbacks.add(from + "->" + to);
    synthetic.serve(to);
    swapped(Instant.now(), from, to, " (loaded and tried in 35 ms)");
    return Map.of(
        "active", to, "message", "rolled back to " + to, "swap", Map.of("from", from, "to", to));
  }

  private synchronized Map<String, Object> activate(String version) {
    String from = active();
    activations.add(version);
    synthetic.serve(version);
    swapped(Instant.now(), from, version, "");
    return Map.of("active", version);
  }

  private Map<String, Object> label(String id, String body) {
    try {
      JsonNode n = JSON.readTree(body);
      queue.remove(id);
      if (n.has("label")) {
        labeled.add(id + "=" + n.get("label").asText());
      }
      return Map.of("labeled", labeled.size());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private List<Map<String, Object>> streamList() {
    List<Map<String, Object>> list = new ArrayList<>();
    streams.get().stream().sorted().forEach(id -> list.add(Map.of("id", id)));
    return list;
  }

  private synchronized Map<String, Object> models() {
    List<Map<String, Object>> versions = new ArrayList<>();
    Instant t = Instant.now().minusSeconds(600);
    String parent = null;
    for (String v : List.of("v1", "v2", "v3")) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("version", v);
      m.put("name", "fashion-cnn");
      m.put("active", v.equals(active()));
      m.put("parent", parent);
      m.put("createdAt", t.toString());
      m.put("trainingData", parent == null ? "fashion-mnist train" : "2 labeled clips");
      m.put("validation", Map.of("test_accuracy", 0.80 + versions.size() * 0.03));
      m.put("notes", null);
      m.put("sha256", "00");
      versions.add(m);
      parent = v;
      t = t.plusSeconds(200);
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("active", active());
    body.put("versions", versions);
    return body;
  }

  private Map<String, Object> eventsSince(int since) {
    List<Map<String, Object>> page =
        new ArrayList<>(events.subList(Math.min(since, events.size()), events.size()));
    return Map.of("next", since + page.size(), "events", page);
  }

  private static Map<String, Object> trainer() {
    Map<String, Object> run = new LinkedHashMap<>();
    run.put("startedAt", Instant.now().minusSeconds(120).toString());
    run.put("baseVersion", "v2");
    run.put("clips", List.of("a.mp4", "b.mp4"));
    run.put("outcome", "passed");
    run.put("endedAt", Instant.now().minusSeconds(100).toString());
    run.put("candidate", "v3");
    run.put("reason", "new scene up, original held");
    run.put("newSceneBefore", 0.62);
    run.put("newSceneAfter", 0.86);
    run.put("originalBefore", 0.90);
    run.put("originalAfter", 0.89);
    run.put("published", "v3");
    Map<String, Object> t = new LinkedHashMap<>();
    t.put("state", "idle");
    t.put("current", null);
    t.put("history", List.of(run));
    return t;
  }

  private Map<String, Object> labeling() {
    List<Map<String, Object>> items = new ArrayList<>();
    for (String id : queue) {
      items.add(
          Map.of(
              "id",
              id,
              "stream",
              "cam1",
              "frame",
              Integer.parseInt(id.substring(5)),
              "version",
              active(),
              "top",
              List.of(
                  Map.of("label", "Sandal", "score", 0.41),
                  Map.of("label", "Sneaker", "score", 0.38)),
              "margin",
              0.03));
    }
    return Map.of(
        "classes",
        SyntheticStreams.CLASSES,
        "streams",
        List.of(Map.of("stream", "cam1", "items", items)),
        "labeled",
        labeled.size(),
        "clipsSent",
        0);
  }

  private void event(Instant at, String type, String text) {
    events.add(Map.of("index", events.size(), "type", type, "at", at.toString(), "text", text));
  }

  private void swapped(Instant at, String from, String to, String detail) {
    events.add(
        Map.of(
            "index",
            events.size(),
            "type",
            "Swapped",
            "at",
            at.toString(),
            "text",
            "swapped " + from + " → " + to + detail,
            "from",
            from,
            "to",
            to));
  }

  private static byte[] png(float[] pixels) {
    BufferedImage img = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
    byte[] b =
        io.vigil.pipeline.control.LabeledStreamRecorder.bytesOf(pixels, SyntheticStreams.CONTRACT);
    img.getRaster().setDataElements(0, 0, 28, 28, b);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ImageIO.write(img, "png", out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** Builds the answer per request, not once when the routes are composed. */
  private Route now(Supplier<Object> body) {
    return extractRequestContext(ctx -> json(StatusCodes.OK, body.get()));
  }

  private Route json(Object body) {
    return json(StatusCodes.OK, body);
  }

  private Route json(StatusCode status, Object body) {
    try {
      return complete(
          HttpResponse.create()
              .withStatus(status)
              .withEntity(ContentTypes.APPLICATION_JSON, JSON.writeValueAsBytes(body)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Route error(StatusCode status, String message) {
    return json(
        status, Map.of("status", status.intValue(), "error", status.reason(), "message", message));
  }
}
