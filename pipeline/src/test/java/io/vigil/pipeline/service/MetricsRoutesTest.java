package io.vigil.pipeline.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.vigil.engine.model.Model;
import io.vigil.pipeline.control.ControlEvent;
import io.vigil.pipeline.control.LiveStreams;
import io.vigil.pipeline.frame.StreamItem;
import io.vigil.pipeline.realtime.SourceSpec;
import io.vigil.pipeline.result.ConnectionCounts;
import io.vigil.pipeline.result.FrameResult;
import io.vigil.pipeline.stream.PipelineMetrics;
import io.vigil.pipeline.stream.StreamMetrics;
import io.vigil.pipeline.stream.SwapReport;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The route bound on a real loopback port and called over HTTP, as Prometheus would. */
class MetricsRoutesTest {

  private final AtomicReference<PipelineMetrics> pipeline =
      new AtomicReference<>(
          ServiceMetricsTest.snapshot(
              List.of(ServiceMetricsTest.stream("cam1", 10, 9, 1, 0, ConnectionCounts.NONE)),
              2,
              4.5,
              8,
              3));
  private final CopyOnWriteArrayList<ControlEvent> journal = new CopyOnWriteArrayList<>();
  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private ActorSystem<Void> system;
  private ServerBinding binding;
  private URI base;

  @BeforeEach
  void bind() throws Exception {
    system = ActorSystem.create(Behaviors.empty(), "metrics-routes-test", ConfigFactory.load());
    ServiceMetrics metrics = new ServiceMetrics(pipeline::get, journal, () -> "v2");
    binding =
        Http.get(system)
            .newServerAt("127.0.0.1", 0)
            .bind(new MetricsRoutes(metrics).route())
            .toCompletableFuture()
            .get(30, TimeUnit.SECONDS);
    base = URI.create("http://127.0.0.1:" + binding.localAddress().getPort());
  }

  @AfterEach
  void unbind() throws Exception {
    if (binding != null) {
      binding.unbind().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private HttpResponse<String> send(String method, String path) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(base.resolve(path))
            .method(method, HttpRequest.BodyPublishers.noBody())
            .timeout(Duration.ofSeconds(30))
            .build();
    return client.send(request, HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void getServesTheTextFormatReadAnewOnEachScrape() throws Exception {
    HttpResponse<String> first = send("GET", "/metrics");
    assertEquals(200, first.statusCode(), first.body());
    String type = first.headers().firstValue("Content-Type").orElse("");
    assertTrue(type.startsWith("text/plain"), type);
    assertTrue(type.contains("version=0.0.4"), type);
    PrometheusText t = PrometheusText.parse(first.body());
    assertEquals(10, t.value("vigil_frames_in_total", "stream", "cam1"));
    assertEquals(3, t.value("vigil_queue_depth_frames"));
    assertEquals(1, t.value("vigil_model_info", "version", "v2"));

    pipeline.set(
        ServiceMetricsTest.snapshot(
            List.of(ServiceMetricsTest.stream("cam1", 25, 20, 1, 0, ConnectionCounts.NONE)),
            4,
            5,
            8,
            0));
    journal.add(new ControlEvent.SwapRefused(java.time.Instant.EPOCH, "v3", "does not fit"));
    PrometheusText second = PrometheusText.parse(send("GET", "/metrics").body());
    assertEquals(25, second.value("vigil_frames_in_total", "stream", "cam1"));
    assertEquals(0, second.value("vigil_queue_depth_frames"));
    assertEquals(1, second.value("vigil_model_swap_refusals_total"));
  }

  @Test
  void aServiceContextFeedsTheMetricsFromItsStreamsJournalAndResults() {
    RecordingStreams live = new RecordingStreams(pipeline::get);
    List<io.vigil.engine.train.TrainingListener> training = new CopyOnWriteArrayList<>();
    ServiceContext context =
        new ServiceContext(
            system, null, live, journal, null, null, null, Map.of(), null, List.of(), List.of(),
            null, training);
    ServiceMetrics metrics = MetricsRoutes.metricsOf(context);
    assertEquals(1, live.resultTaps.size(), "one result tap");
    assertEquals(1, training.size(), "one training listener");
    live.resultTaps.get(0).accept(new FrameResult("cam1", 0, 0, "v9", List.of(), 12));
    journal.add(new ControlEvent.SwapRefused(java.time.Instant.EPOCH, "v3", "does not fit"));
    PrometheusText t =
        PrometheusText.parse(new String(metrics.scrape(), java.nio.charset.StandardCharsets.UTF_8));
    assertEquals(1, t.value("vigil_result_latency_seconds_count", "stream", "cam1"));
    assertEquals(10, t.value("vigil_frames_in_total", "stream", "cam1"));
    assertEquals(1, t.value("vigil_model_info", "version", "v9"));
    assertEquals(1, t.value("vigil_model_swap_refusals_total"));
  }

  /** Streams that only report a snapshot and the version, and keep the result taps. */
  private static final class RecordingStreams implements LiveStreams {
    final List<Consumer<FrameResult>> resultTaps = new CopyOnWriteArrayList<>();
    private final Supplier<PipelineMetrics> metrics;

    RecordingStreams(Supplier<PipelineMetrics> metrics) {
      this.metrics = metrics;
    }

    @Override
    public CompletionStage<StreamMetrics> add(SourceSpec spec) {
      throw new UnsupportedOperationException("add");
    }

    @Override
    public void remove(String id) {
      throw new UnsupportedOperationException("remove");
    }

    @Override
    public Set<String> streams() {
      return Set.of("cam1");
    }

    @Override
    public PipelineMetrics metrics() {
      return metrics.get();
    }

    @Override
    public double recentLatencyP99Millis() {
      return Double.NaN;
    }

    @Override
    public void tapFrames(Consumer<StreamItem.Frame> tap) {}

    @Override
    public void tapResults(Consumer<FrameResult> tap) {
      resultTaps.add(tap);
    }

    @Override
    public String modelVersion() {
      return "v9";
    }

    @Override
    public CompletionStage<SwapReport> swap(Model model) {
      throw new UnsupportedOperationException("swap");
    }
  }

  @Test
  void onlyGetIsServed() throws Exception {
    assertEquals(405, send("POST", "/metrics").statusCode());
    assertEquals(405, send("DELETE", "/metrics").statusCode());
    assertEquals(404, send("GET", "/metrics/extra").statusCode());
  }
}
