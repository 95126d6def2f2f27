package io.vigil.pipeline.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.pipeline.realtime.StreamLabels;
import io.vigil.pipeline.result.ConnectionCounts;
import io.vigil.pipeline.result.FrameResult;
import io.vigil.pipeline.result.LabelScore;
import io.vigil.pipeline.result.LatencyTracker;
import io.vigil.pipeline.stream.PipelineMetrics;
import io.vigil.pipeline.stream.StreamMetrics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetricsHistoryTest {

  private static final LatencyTracker.Percentiles NONE = new LatencyTracker().percentiles();

  private final AtomicReference<PipelineMetrics> metrics = new AtomicReference<>();

  private void counters(long atMillis, long in, long out, long dropped) {
    metrics.set(
        new PipelineMetrics(
            Instant.ofEpochMilli(atMillis),
            List.of(
                new StreamMetrics("cam", in, out, dropped, 0, 0, 0, ConnectionCounts.NONE, NONE)),
            0,
            0,
            0,
            0,
            0,
            NONE));
  }

  private MetricsHistory history(Map<String, StreamLabels> labels, Duration keep) {
    return new MetricsHistory(
        metrics::get,
        () -> Set.of("cam"),
        new FrameTruth(labels, List.of("Sneaker", "Sandal")),
        Duration.ofSeconds(1),
        keep,
        Duration.ofSeconds(2));
  }

  private static FrameResult result(long frame, String label, double latency) {
    return new FrameResult(
        "cam", frame, frame * 100_000, "v1", List.of(new LabelScore(0, label, 0.9f)), latency);
  }

  @Test
  void ratesAreCounterDifferencesOverTheTimeBetweenSamples() {
    MetricsHistory h = history(Map.of(), Duration.ofMinutes(10));
    counters(10_000, 100, 90, 10);
    h.sample();
    assertTrue(h.samples("cam").isEmpty(), "the first sample only sets the baseline");
    counters(12_000, 160, 140, 14);
    h.sample();
    MetricsHistory.Sample s = h.samples("cam").get(0);
    assertEquals(12_000, s.atMillis());
    assertEquals(30.0, s.framesInPerSecond(), 1e-9);
    assertEquals(25.0, s.framesOutPerSecond(), 1e-9);
    assertEquals(2.0, s.droppedPerSecond(), 1e-9);
    assertNull(s.latencyP50(), "no result in the interval, no latency");
    assertNull(s.accuracy(), "an unlabeled stream has no accuracy");
  }

  @Test
  void aTickOnTheHeelsOfTheLastIsSkippedNotDividedByMilliseconds() {
    MetricsHistory h = history(Map.of(), Duration.ofMinutes(10));
    counters(10_000, 0, 0, 0);
    h.sample();
    counters(11_000, 25, 25, 0);
    h.sample();
    counters(11_010, 26, 26, 0);
    h.sample();
    assertEquals(1, h.samples("cam").size(), "the tick 10 ms after the last is skipped");
    counters(12_000, 50, 50, 0);
    h.sample();
    assertEquals(25.0, h.samples("cam").get(1).framesInPerSecond(), 1e-9, "over the full second");
  }

  @Test
  void latencyIsTakenOverEachIntervalsResultsOnly() {
    MetricsHistory h = history(Map.of(), Duration.ofMinutes(10));
    counters(0, 0, 0, 0);
    h.sample();
    for (int i = 0; i < 100; i++) {
      h.onResult(result(i, "Sneaker", i < 95 ? 10 : 500));
    }
    counters(1000, 100, 100, 0);
    h.sample();
    h.onResult(result(100, "Sneaker", 40));
    counters(2000, 101, 101, 0);
    h.sample();
    List<MetricsHistory.Sample> s = h.samples("cam");
    // Percentiles are bucket upper edges, exact within 4 %.
    assertEquals(10, s.get(0).latencyP50(), 0.5);
    assertEquals(500, s.get(0).latencyP99(), 500 * 0.05);
    assertEquals(40, s.get(1).latencyP50(), 40 * 0.05, "the second interval forgot the first");
  }

  @Test
  void accuracyComparesTopLabelsWithTheTimeRangesOverTheWindow() {
    // Frames 0..9 (pts 0..0.9 s) are Sneaker; later frames have no label.
    StreamLabels labels =
        new StreamLabels.Ranges(List.of(new StreamLabels.Range(0, 1_000_000, "Sneaker")));
    MetricsHistory h = history(Map.of("cam", labels), Duration.ofMinutes(10));
    counters(0, 0, 0, 0);
    h.sample();
    for (int i = 0; i < 4; i++) {
      h.onResult(result(i, i == 0 ? "Sandal" : "Sneaker", 5));
    }
    counters(1000, 4, 4, 0);
    h.sample();
    for (int i = 4; i < 8; i++) {
      h.onResult(result(i, "Sneaker", 5));
    }
    h.onResult(result(20, "Sandal", 5)); // unlabeled: not counted
    counters(2000, 9, 9, 0);
    h.sample();
    counters(3000, 9, 9, 0);
    h.sample();
    List<MetricsHistory.Sample> s = h.samples("cam");
    assertEquals(0.75, s.get(0).accuracy(), 1e-9);
    assertEquals(7 / 8.0, s.get(1).accuracy(), 1e-9, "the window holds both intervals");
    assertEquals(1.0, s.get(2).accuracy(), 1e-9, "the window (2 samples) dropped the first");
  }

  @Test
  void accuracyReadsAGrowingSidecarByFrame(@TempDir Path dir) throws Exception {
    Path sidecar = dir.resolve("cam.labels.csv");
    Files.writeString(sidecar, "frame,label,class_name\n0,0,Sneaker\n1,1,Sandal\n");
    MetricsHistory h =
        history(Map.of("cam", new StreamLabels.Sidecar(sidecar)), Duration.ofMinutes(10));
    counters(0, 0, 0, 0);
    h.sample();
    h.onResult(result(0, "Sneaker", 5));
    h.onResult(result(1, "Sneaker", 5));
    h.onResult(result(2, "Sneaker", 5)); // no line yet
    counters(1000, 3, 3, 0);
    h.sample();
    assertEquals(0.5, h.samples("cam").get(0).accuracy(), 1e-9);
    Files.writeString(sidecar, "frame,label,class_name\n0,0,Sneaker\n1,1,Sandal\n2,0,Sneaker\n");
    counters(2000, 3, 3, 0);
    h.sample();
    h.onResult(result(2, "Sneaker", 5));
    counters(3000, 4, 4, 0);
    h.sample();
    assertEquals(1.0, h.samples("cam").get(2).accuracy(), 1e-9, "frame 2 is labeled now");
  }

  @Test
  void keepsOnlyTheLastSamplesAndAnswersThoseAfterATime() {
    MetricsHistory h = history(Map.of(), Duration.ofSeconds(5));
    for (int i = 0; i <= 8; i++) {
      counters(i * 1000L, i, i, 0);
      h.sample();
    }
    assertEquals(5, h.samples("cam").size());
    assertEquals(4000, h.samples("cam").get(0).atMillis());
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> streams = (List<Map<String, Object>>) h.since(6000).get("streams");
    assertEquals(1, streams.size());
    assertEquals("cam", streams.get(0).get("id"));
    assertEquals(2, ((List<?>) streams.get(0).get("samples")).size(), "samples at 7 s and 8 s");
  }

  @Test
  void onlyRunningStreamsAreSampled() {
    MetricsHistory h =
        new MetricsHistory(
            metrics::get,
            Set::of,
            new FrameTruth(Map.of(), List.of()),
            Duration.ofSeconds(1),
            Duration.ofMinutes(1),
            Duration.ofSeconds(1));
    counters(0, 0, 0, 0);
    h.sample();
    counters(1000, 5, 5, 0);
    h.sample();
    assertTrue(h.samples("cam").isEmpty());
  }
}
