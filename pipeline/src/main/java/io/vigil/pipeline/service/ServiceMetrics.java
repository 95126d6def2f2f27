package io.vigil.pipeline.service;

import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import io.vigil.engine.train.TrainingListener;
import io.vigil.pipeline.control.ControlEvent;
import io.vigil.pipeline.result.FrameResult;
import io.vigil.pipeline.stream.PipelineMetrics;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.function.Supplier;

/**
 * vigil's Prometheus metrics, all prefixed {@code vigil_} (plus the client's JVM metrics, {@code
 * jvm_*}): the pipeline's counters per stream and its shared stages ({@link PipelineCollector}),
 * the control plane from the event journal ({@link JournalCollector}), the trainer's epochs ({@link
 * #trainingListener()}), and a histogram of capture-to-result latency per stream, {@code
 * vigil_result_latency_seconds{stream}}, fed one result at a time through {@link #observe}.
 *
 * <p>Counters the pipeline keeps are read from its snapshot at scrape time, never counted twice.
 * Each instance has its own registry, so instances do not see each other's metrics. Safe to use
 * from any thread.
 *
 * <p>Wiring: {@code var metrics = new ServiceMetrics(live::metrics, journal, activeVersion);
 * live.tapResults(metrics::observe);} and hand {@link #trainingListener()} to the fine-tune.
 */
public final class ServiceMetrics {

  /** The content type of {@link #write}: Prometheus text format 0.0.4. */
  public static final String CONTENT_TYPE = PrometheusTextFormatWriter.CONTENT_TYPE;

  /**
   * Upper bounds of the latency buckets, seconds: fine around the real-time pipeline's tens of
   * milliseconds and its bound near 125 ms, coarse out to an overloaded stream's seconds.
   */
  static final double[] LATENCY_BUCKETS_SECONDS = {
    0.001, 0.0025, 0.005, 0.01, 0.02, 0.03, 0.05, 0.075, 0.1, 0.125, 0.15, 0.2, 0.3, 0.5, 1, 2.5, 5,
    10
  };

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
  private final Histogram latency;
  private final TrainingMetrics training;

  /**
   * Metrics over a running service.
   *
   * @param pipeline the pipeline's counters now ({@code LiveStreams::metrics}); called once per
   *     scrape
   * @param journal the control plane's event journal: append-only, safe to read while it grows
   * @param activeVersion the model version the streams run now, or null or empty before one is
   *     loaded
   */
  public ServiceMetrics(
      Supplier<PipelineMetrics> pipeline,
      List<ControlEvent> journal,
      Supplier<String> activeVersion) {
    registry.register(new PipelineCollector(pipeline));
    registry.register(new JournalCollector(journal, activeVersion));
    training = new TrainingMetrics();
    registry.register(training);
    latency =
        Histogram.builder()
            .name("vigil_result_latency_seconds")
            .help("Time from a frame's capture to its result, per stream.")
            .unit(Unit.SECONDS)
            .labelNames("stream")
            .classicOnly()
            .classicUpperBounds(LATENCY_BUCKETS_SECONDS)
            .withoutExemplars()
            .register(registry);
    JvmMetrics.builder().register(registry);
  }

  /**
   * Counts one result's capture-to-result latency in its stream's histogram. Meant as a result tap
   * ({@code live.tapResults(metrics::observe)}): quick, allocation-light, any thread.
   */
  public void observe(FrameResult r) {
    double millis = r.latencyMillis();
    if (Double.isNaN(millis)) {
      return;
    }
    latency.labelValues(r.stream()).observe(Math.max(0, millis) / 1000);
  }

  /** Hears the fine-tune's epochs; give it to the trainer's {@code ClipRetraining}. */
  public TrainingListener trainingListener() {
    return training;
  }

  /** The registry behind these metrics (to add more, or scrape it directly). */
  public PrometheusRegistry registry() {
    return registry;
  }

  /** Writes every metric now in the Prometheus text format ({@link #CONTENT_TYPE}). */
  public void write(OutputStream out) throws IOException {
    writer.write(out, registry.scrape());
  }

  /** Every metric now in the Prometheus text format, as UTF-8 bytes. */
  public byte[] scrape() {
    ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
    try {
      write(out);
    } catch (IOException e) {
      throw new UncheckedIOException("writing metrics to memory failed", e);
    }
    return out.toByteArray();
  }
}
