package io.vigil.pipeline.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.pipeline.result.LabelScore;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.CacheControl;
import org.apache.pekko.http.javadsl.model.headers.CacheDirectives;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;

/**
 * The labeling API over a {@link LabelingQueue}:
 *
 * <ul>
 *   <li>{@code GET /api/v1/labeling}: the model's classes, every stream's items (least sure first),
 *       labeled frames waiting to be written, clips sent;
 *   <li>{@code GET /api/v1/labeling/{id}/image}: the PNG of what the model saw;
 *   <li>{@code POST /api/v1/labeling/{id}} with {@code {"label": "Trouser"}} or {@code {"skip":
 *       true}}: 200 {@code {"labeled": 6}} (and {@code "clip"} when this label completed one);
 *   <li>{@code POST /api/v1/labeling/submit}: writes the labeled frames now, 200 {@code {"clip":
 *       "labeled-...mkv", "frames": 40}}.
 * </ul>
 *
 * Errors are JSON ({@code status}, {@code error}, {@code message}): an unknown id is 404, a body
 * that is not such an object or names a class the model does not have is 400 (the message lists the
 * classes), a submit with too few labels or with retraining off is 409, a clip that cannot be
 * written is 500 (its frames are kept). Labeling and submitting write files, so they run on the
 * blocking executor, not on the server's threads. The token is checked by {@link HttpService}.
 */
public final class LabelingRoutes extends AllDirectives {

  private final LabelingQueue queue;
  private final Executor blocking;

  /** Routes whose file writes run on {@code system}'s blocking dispatcher. */
  public LabelingRoutes(LabelingQueue queue, ActorSystem<?> system) {
    this(queue, system.dispatchers().lookup(DispatcherSelector.blocking()));
  }

  /** Routes whose file writes run on {@code blocking}. */
  public LabelingRoutes(LabelingQueue queue, Executor blocking) {
    this.queue = queue;
    this.blocking = blocking;
  }

  /** The labeling API's routes. */
  public Route route() {
    return pathPrefix(
        PathMatchers.segment("api").slash("v1").slash("labeling"),
        () ->
            concat(
                pathEndOrSingleSlash(() -> get(this::list)),
                path("submit", () -> post(() -> offThread(this::submit))),
                path(PathMatchers.segment().slash("image"), id -> get(() -> image(id))),
                path(
                    PathMatchers.segment(),
                    id ->
                        post(
                            () ->
                                entity(
                                    Unmarshaller.entityToString(),
                                    body -> offThread(() -> labelOrSkip(id, body)))))));
  }

  private Route list() {
    LabelingQueue.Snapshot s = queue.snapshot();
    List<StreamView> streams = new ArrayList<>();
    s.streams().forEach((id, items) -> streams.add(new StreamView(id, views(items))));
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("classes", s.classes());
    body.put("streams", streams);
    body.put("labeled", s.labeled());
    body.put("clipsSent", s.clipsSent());
    body.put("perClip", s.perClip());
    body.put("lastError", s.lastError());
    return json(StatusCodes.OK, body);
  }

  private static List<ItemView> views(List<LabelingItem> items) {
    List<ItemView> views = new ArrayList<>(items.size());
    for (LabelingItem i : items) {
      List<ScoreView> top = new ArrayList<>(i.top().size());
      for (LabelScore l : i.top()) {
        top.add(new ScoreView(l.label(), l.score()));
      }
      views.add(new ItemView(i.id(), i.stream(), i.frame(), i.version(), top, (float) i.margin()));
    }
    return views;
  }

  private Route image(String id) {
    Optional<LabelingItem> item = queue.item(id);
    if (item.isEmpty()) {
      return unknown(id);
    }
    byte[] png = ModelInputImage.png(item.get().pixels(), queue.contract());
    return complete(
        HttpResponse.create()
            .withStatus(StatusCodes.OK)
            .addHeader(CacheControl.create(CacheDirectives.NO_CACHE))
            .withEntity(HttpEntities.create(MediaTypes.IMAGE_PNG.toContentType(), png)));
  }

  private Route labelOrSkip(String id, String body) {
    JsonNode request;
    try {
      request = Json.MAPPER.readTree(body);
    } catch (JsonProcessingException e) {
      return badBody("the body is not JSON: " + e.getOriginalMessage());
    }
    if (request == null || !request.isObject()) {
      return badBody("the body must be a JSON object");
    }
    JsonNode label = request.get("label");
    JsonNode skip = request.get("skip");
    if ((label == null) == (skip == null) || request.size() != 1) {
      return badBody("the body must hold exactly one of \"label\" and \"skip\"");
    }
    try {
      if (skip != null) {
        if (!skip.isBoolean() || !skip.booleanValue()) {
          return badBody("\"skip\" must be true");
        }
        return json(StatusCodes.OK, Map.of("labeled", queue.skip(id)));
      }
      if (!label.isTextual()) {
        return badBody("\"label\" must be a class name (a string), got " + label.getNodeType());
      }
      LabelingQueue.LabelOutcome outcome = queue.label(id, label.textValue());
      Map<String, Object> answer = new LinkedHashMap<>();
      answer.put("labeled", outcome.labeled());
      if (outcome.clip() != null) {
        answer.put("clip", outcome.clip().getFileName().toString());
      }
      if (outcome.error() != null) {
        answer.put("error", outcome.error());
      }
      return json(StatusCodes.OK, answer);
    } catch (LabelingQueue.UnknownItemException e) {
      return unknown(id);
    } catch (IllegalArgumentException e) {
      return error(StatusCodes.BAD_REQUEST, e.getMessage());
    } catch (LabelingQueue.RefusedException e) {
      return error(StatusCodes.CONFLICT, e.getMessage());
    }
  }

  private Route submit() {
    try {
      LabelingQueue.Sent sent = queue.submit();
      Map<String, Object> answer = new LinkedHashMap<>();
      answer.put("clip", sent.clip().getFileName().toString());
      answer.put("frames", sent.frames());
      return json(StatusCodes.OK, answer);
    } catch (LabelingQueue.RefusedException e) {
      return error(StatusCodes.CONFLICT, e.getMessage());
    } catch (IOException e) {
      return error(StatusCodes.INTERNAL_SERVER_ERROR, e.getMessage());
    }
  }

  /** The route {@code work} builds, built on the blocking executor (it may write files). */
  private Route offThread(Supplier<Route> work) {
    return onSuccess(() -> CompletableFuture.supplyAsync(work, blocking), route -> route);
  }

  private static Route badBody(String message) {
    return error(
        StatusCodes.BAD_REQUEST, message + "; expected {\"label\": \"CLASS\"} or {\"skip\": true}");
  }

  private static Route unknown(String id) {
    return error(StatusCodes.NOT_FOUND, new LabelingQueue.UnknownItemException(id).getMessage());
  }

  private static Route error(StatusCode status, String message) {
    return Json.error(status, message);
  }

  private static Route json(StatusCode status, Object body) {
    return Json.complete(status, body);
  }

  /** One stream's items, as the API lists them. */
  record StreamView(String stream, List<ItemView> items) {}

  /** An item as the API lists it (without its pixels: they are the image). */
  record ItemView(
      String id, String stream, long frame, String version, List<ScoreView> top, float margin) {}

  /** One of an item's best labels. */
  record ScoreView(String label, float score) {}
}
