package io.vigil.pipeline.service;

import java.util.Objects;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code GET /metrics}: every metric of {@link ServiceMetrics} in the Prometheus text format, taken
 * fresh on each request (Prometheus scrapes every few seconds; nothing is cached between scrapes).
 */
public final class MetricsRoutes extends AllDirectives {

  private static final ContentType TEXT_FORMAT = ContentTypes.parse(ServiceMetrics.CONTENT_TYPE);

  private final ServiceMetrics metrics;

  /**
   * Routes over the metrics of a running service: the pipeline's counters, the journal, the version
   * the streams run, and every result's latency (this taps the results, so make one per service).
   */
  public MetricsRoutes(ServiceContext context) {
    this(metricsOf(context));
  }

  /** Routes serving {@code metrics}. */
  public MetricsRoutes(ServiceMetrics metrics) {
    this.metrics = Objects.requireNonNull(metrics, "metrics");
  }

  /**
   * Metrics over a running service, fed with its results from now on. Taps are additive and stay
   * for the service's life: call this once per service.
   */
  public static ServiceMetrics metricsOf(ServiceContext context) {
    ServiceMetrics metrics =
        new ServiceMetrics(
            context.live()::metrics, context.journal(), context.live()::modelVersion);
    context.live().tapResults(metrics::observe);
    context.training().add(metrics.trainingListener());
    return metrics;
  }

  /** {@code GET /metrics}. */
  public Route route() {
    return path(
        "metrics",
        () ->
            get(
                // The inner route is built per request, so each scrape reads the metrics anew.
                () -> complete(HttpEntities.create(TEXT_FORMAT, metrics.scrape()))));
  }
}
