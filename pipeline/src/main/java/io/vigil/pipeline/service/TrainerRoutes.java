package io.vigil.pipeline.service;

import io.vigil.pipeline.control.ControlEvent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code /api/v1/trainer}: the trainer's state, its current run and every run with the gate's
 * figures. {@code /api/v1/events?since=N}: the control events from the N-th on (clips, training,
 * gate, publications, swaps), for the dashboard's timeline.
 */
public final class TrainerRoutes extends AllDirectives {

  private final ServiceContext context;

  public TrainerRoutes(ServiceContext context) {
    this.context = context;
  }

  public Route route() {
    return pathPrefix(
        PathMatchers.segment("api").slash("v1"),
        () ->
            get(
                () ->
                    concat(
                        path("trainer", () -> Json.ok(TrainerHistory.of(context.journal()))),
                        path("events", () -> parameterOptional("since", since -> events(since))))));
  }

  private Route events(Optional<String> since) {
    int from;
    try {
      from = since.map(Integer::parseInt).orElse(0);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("since must be a whole number, got " + since.get());
    }
    if (from < 0) {
      throw new IllegalArgumentException("since must not be negative, got " + from);
    }
    List<ControlEvent> journal = context.journal();
    int end = journal.size();
    List<Map<String, Object>> events = new ArrayList<>();
    for (int i = Math.min(from, end); i < end; i++) {
      ControlEvent e = journal.get(i);
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("index", i);
      m.put("type", e.getClass().getSimpleName());
      m.put("at", e.at().toString());
      m.put("text", e.describe());
      if (e instanceof ControlEvent.Swapped swapped) {
        m.put("from", swapped.report().fromVersion());
        m.put("to", swapped.report().toVersion());
      }
      events.add(m);
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("next", end);
    body.put("events", events);
    return Json.ok(body);
  }
}
