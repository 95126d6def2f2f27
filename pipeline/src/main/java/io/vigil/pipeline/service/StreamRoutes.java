package io.vigil.pipeline.service;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigSyntax;
import io.vigil.pipeline.control.StreamManager;
import io.vigil.pipeline.realtime.SourceSpec;
import io.vigil.pipeline.result.LatencyTracker;
import io.vigil.pipeline.stream.PipelineMetrics;
import io.vigil.pipeline.stream.StreamMetrics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;

/**
 * {@code /api/v1/streams}: list the streams with their counters, add one (the same entry as in
 * {@code vigil.run.streams}, as JSON), show one, remove one. Changes go to the stream manager.
 */
public final class StreamRoutes extends AllDirectives {

  /** Keys the API does not take: they would write files at a path the client chose. */
  private static final Set<String> CONFIG_ONLY = Set.of("annotate");

  private final ServiceContext context;

  public StreamRoutes(ServiceContext context) {
    this.context = context;
  }

  public Route route() {
    return pathPrefix(
        PathMatchers.segment("api").slash("v1").slash("streams"),
        () ->
            concat(
                pathEndOrSingleSlash(
                    () ->
                        concat(
                            get(this::list),
                            post(() -> entity(Unmarshaller.entityToString(), this::add)))),
                path(
                    PathMatchers.segment(),
                    id -> concat(get(() -> show(id)), delete(() -> remove(id))))));
  }

  private Route list() {
    return onSuccess(
        context.ask(context.actors().streams(), StreamManager.GetMetrics::new),
        metrics ->
            onSuccess(
                context.ask(context.actors().streams(), StreamManager.ListStreams::new),
                running -> Json.ok(describe(metrics, running))));
  }

  private Route show(String id) {
    return onSuccess(
        context.ask(context.actors().streams(), StreamManager.GetMetrics::new),
        metrics ->
            onSuccess(
                context.ask(context.actors().streams(), StreamManager.ListStreams::new),
                running ->
                    metrics.streams().stream()
                        .filter(m -> m.stream().equals(id))
                        .findFirst()
                        .map(m -> Json.ok(describe(m, running.contains(id))))
                        .orElseGet(
                            () -> Json.error(StatusCodes.NOT_FOUND, "no stream " + quoted(id)))));
  }

  private Route add(String body) {
    SourceSpec spec;
    try {
      spec = parse(body);
    } catch (IllegalArgumentException | ConfigException e) {
      return Json.error(StatusCodes.BAD_REQUEST, "stream: " + e.getMessage());
    }
    return onSuccess(
        context.<StreamManager.Command, StreamManager.Reply>ask(
            context.actors().streams(), r -> new StreamManager.Add(spec, r)),
        reply ->
            reply.ok()
                ? Json.complete(
                    StatusCodes.CREATED, Map.of("id", spec.id(), "message", reply.message()))
                : Json.error(StatusCodes.CONFLICT, reply.message()));
  }

  private Route remove(String id) {
    return onSuccess(
        context.<StreamManager.Command, StreamManager.Reply>ask(
            context.actors().streams(), r -> new StreamManager.Remove(id, r)),
        reply ->
            reply.ok()
                ? Json.ok(Map.of("id", id, "message", reply.message()))
                : Json.error(StatusCodes.NOT_FOUND, reply.message()));
  }

  /**
   * A stream entry from a request body: a JSON object with the keys of a {@code vigil.run.streams}
   * entry. A file source must exist now, so that a typo is a 400 rather than a failed stream.
   */
  SourceSpec parse(String body) {
    Config entry;
    try {
      entry =
          ConfigFactory.parseString(
              body,
              ConfigParseOptions.defaults()
                  .setSyntax(ConfigSyntax.JSON)
                  .setOriginDescription("request body"));
    } catch (ConfigException e) {
      throw new IllegalArgumentException("the body is not a JSON object: " + e.getMessage());
    }
    for (String key : CONFIG_ONLY) {
      if (entry.hasPath(key)) {
        throw new IllegalArgumentException(
            "'" + key + "' is taken only from the configuration file, not through the API");
      }
    }
    if (!entry.hasPath("id")) {
      throw new IllegalArgumentException("the entry needs an 'id'");
    }
    // The id names the stream's result files: only plain names.
    String id = entry.getString("id");
    if (!id.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}")) {
      throw new IllegalArgumentException(
          "id "
              + quoted(id)
              + " must be 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or"
              + " digit");
    }
    SourceSpec spec = context.streamSpecs().apply(entry);
    if (spec.kind() == SourceSpec.Kind.FILE && !Files.isRegularFile(Path.of(spec.input()))) {
      throw new IllegalArgumentException(spec.input() + ": no such file");
    }
    return spec;
  }

  private static Map<String, Object> describe(PipelineMetrics metrics, Set<String> running) {
    List<Map<String, Object>> streams = new ArrayList<>();
    for (StreamMetrics m : metrics.streams()) {
      streams.add(describe(m, running.contains(m.stream())));
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("at", metrics.at().toString());
    body.put("streams", streams);
    body.put("framesIn", metrics.framesIn());
    body.put("framesOut", metrics.framesOut());
    body.put("dropped", metrics.dropped());
    body.put("batches", metrics.batches());
    body.put("meanBatchSize", metrics.meanBatchSize());
    body.put("largestBatch", metrics.largestBatch());
    body.put("queueDepth", metrics.queueDepth());
    body.put("maxQueueDepth", metrics.maxQueueDepth());
    body.put("latency", latency(metrics.latency()));
    return body;
  }

  private static Map<String, Object> describe(StreamMetrics m, boolean running) {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("id", m.stream());
    s.put("running", running);
    s.put("framesIn", m.framesIn());
    s.put("framesOut", m.framesOut());
    s.put("dropped", m.dropped());
    s.put("droppedUnconverted", m.droppedUnconverted());
    s.put("corrupt", m.corrupt());
    s.put(
        "connections",
        Map.of(
            "attempts", m.connections().attempts(),
            "connections", m.connections().connections(),
            "losses", m.connections().losses()));
    s.put("latency", latency(m.latency()));
    return s;
  }

  private static Map<String, Object> latency(LatencyTracker.Percentiles p) {
    Map<String, Object> l = new LinkedHashMap<>();
    l.put("count", p.count());
    l.put("p50", p.count() == 0 ? null : p.p50());
    l.put("p95", p.count() == 0 ? null : p.p95());
    l.put("p99", p.count() == 0 ? null : p.p99());
    return l;
  }

  /** A client's text in a message, cut short and with control characters shown escaped. */
  static String quoted(String s) {
    String cut = s.length() > 80 ? s.substring(0, 80) + "..." : s;
    return "'" + cut.replaceAll("\\p{Cntrl}", "?") + "'";
  }
}
