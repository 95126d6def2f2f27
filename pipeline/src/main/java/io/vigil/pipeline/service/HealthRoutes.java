package io.vigil.pipeline.service;

import io.vigil.pipeline.control.RegistryActor;
import io.vigil.pipeline.control.StreamManager;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code /health/live}: the process answers. {@code /health/ready}: a model is loaded and the
 * stream manager answers with its streams, so traffic (and a load balancer's health check) may
 * come; 503 naming what is missing otherwise.
 */
public final class HealthRoutes extends AllDirectives {

  private final ServiceContext context;

  public HealthRoutes(ServiceContext context) {
    this.context = context;
  }

  public Route route() {
    return pathPrefix(
        "health",
        () ->
            get(
                () ->
                    concat(
                        path("live", () -> Json.ok(Map.of("status", "live"))),
                        path("ready", this::ready))));
  }

  private Route ready() {
    CompletionStage<RegistryActor.Serving> serving =
        context.ask(context.actors().registry(), RegistryActor.GetServing::new);
    CompletionStage<Set<String>> streams =
        context.ask(context.actors().streams(), StreamManager.ListStreams::new);
    CompletionStage<Map<String, Object>> both =
        serving.thenCombine(
            streams,
            (s, ids) -> {
              Map<String, Object> body = new LinkedHashMap<>();
              body.put("status", s.model() != null ? "ready" : "no model loaded");
              body.put("model", s.model() != null ? s.model().version() : null);
              body.put("streams", ids.size());
              return body;
            });
    return onComplete(
        both,
        result -> {
          if (result.isFailure()) {
            return Json.error(
                StatusCodes.SERVICE_UNAVAILABLE,
                "not ready: the control plane did not answer: " + result.failed().get());
          }
          Map<String, Object> body = result.get();
          return "ready".equals(body.get("status"))
              ? Json.ok(body)
              : Json.complete(StatusCodes.SERVICE_UNAVAILABLE, body);
        });
  }
}
