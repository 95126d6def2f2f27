package io.vigil.pipeline.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.vigil.pipeline.control.ControlEvent;
import io.vigil.pipeline.result.ConnectionCounts;
import io.vigil.pipeline.stream.PipelineMetrics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
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
  void onlyGetIsServed() throws Exception {
    assertEquals(405, send("POST", "/metrics").statusCode());
    assertEquals(405, send("DELETE", "/metrics").statusCode());
    assertEquals(404, send("GET", "/metrics/extra").statusCode());
  }
}
