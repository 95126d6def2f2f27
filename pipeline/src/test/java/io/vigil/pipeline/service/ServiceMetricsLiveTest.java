package io.vigil.pipeline.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.pipeline.cli.ServiceFixture;
import io.vigil.pipeline.control.ControlEvent;
import io.vigil.pipeline.control.EventJournal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The metrics of the real service: its pipeline on the sample clip, its journal, its results. */
class ServiceMetricsLiveTest {

  private static final int RESULTS = 20;

  @TempDir Path dir;

  @Test
  void theRunningServiceIsMeasured() throws Exception {
    try (ServiceFixture service = ServiceFixture.start(dir, "")) {
      ServiceContext context = service.context();
      ServiceMetrics metrics = MetricsRoutes.metricsOf(context);
      // Added after the metrics' tap, so each result reaches the metrics before this counts it.
      CountDownLatch results = new CountDownLatch(RESULTS);
      context.live().tapResults(r -> results.countDown());
      assertTrue(results.await(120, TimeUnit.SECONDS), "no results from the sample stream");

      PrometheusText t = PrometheusText.parse(new String(metrics.scrape(), StandardCharsets.UTF_8));
      double in = t.value("vigil_frames_in_total", "stream", "fashion");
      double out = t.value("vigil_frames_out_total", "stream", "fashion");
      assertTrue(out >= RESULTS && in >= out, "frames in " + in + ", out " + out);
      assertTrue(
          t.value("vigil_result_latency_seconds_count", "stream", "fashion") >= RESULTS,
          "latency histogram of the stream's results");
      assertTrue(t.value("vigil_batch_size_frames_count") >= 1, "engine calls");
      assertEquals(1, t.value("vigil_model_info", "version", context.live().modelVersion()));
      assertEquals(
          EventJournal.only(context.journal(), ControlEvent.Swapped.class).size(),
          t.value("vigil_model_swaps_total"));
      assertTrue(t.value("jvm_memory_used_bytes", "area", "heap") > 0, "JVM heap");
    }
  }
}
