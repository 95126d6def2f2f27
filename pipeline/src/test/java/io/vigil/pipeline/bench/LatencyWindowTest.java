package io.vigil.pipeline.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vigil.pipeline.result.FrameResult;
import io.vigil.pipeline.result.LatencyTracker;
import io.vigil.pipeline.service.ServiceMetrics;
import io.vigil.pipeline.stream.PipelineMetrics;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class LatencyWindowTest {

  @Test
  void quantilesCountOnlyTheResultsBetweenTheTwoScrapes() {
    LatencyTracker.Percentiles none = new LatencyTracker.Percentiles(0, Double.NaN, 0, 0);
    ServiceMetrics metrics =
        new ServiceMetrics(
            () -> new PipelineMetrics(Instant.EPOCH, List.of(), 0, 0, 0, 0, 0, none),
            new CopyOnWriteArrayList<>(),
            () -> "v1");
    // Before the window: slow results that must not count.
    for (int i = 0; i < 50; i++) {
      metrics.observe(result("a", 900));
    }
    String before = new String(metrics.scrape(), StandardCharsets.UTF_8);
    for (int i = 0; i < 98; i++) {
      metrics.observe(result(i % 2 == 0 ? "a" : "b", 15));
    }
    metrics.observe(result("b", 140));
    metrics.observe(result("b", 140));
    String after = new String(metrics.scrape(), StandardCharsets.UTF_8);

    LatencyWindow.Summary s = LatencyWindow.summarize(before, after);
    assertEquals(100, s.results());
    assertEquals(0.02, s.p50());
    assertEquals(0.15, s.p99(), "2 of 100 results over 0.125 s: the 99th is one of them");
    assertEquals("b", s.worstStream());
    assertEquals(0.15, s.worstP99());
  }

  private static FrameResult result(String stream, double millis) {
    return new FrameResult(stream, 0, 0, "v1", List.of(), millis);
  }
}
