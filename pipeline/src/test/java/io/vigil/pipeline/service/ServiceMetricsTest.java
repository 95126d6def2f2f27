package io.vigil.pipeline.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.engine.train.EpochSummary;
import io.vigil.engine.train.GateVerdict;
import io.vigil.pipeline.control.ControlEvent;
import io.vigil.pipeline.result.ConnectionCounts;
import io.vigil.pipeline.result.FrameResult;
import io.vigil.pipeline.result.LatencyTracker;
import io.vigil.pipeline.stream.PipelineMetrics;
import io.vigil.pipeline.stream.StreamMetrics;
import io.vigil.pipeline.stream.SwapReport;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ServiceMetricsTest {

  private static final Instant T = Instant.parse("2026-12-07T12:00:00Z");
  private static final LatencyTracker.Percentiles NO_LATENCY =
      new LatencyTracker.Percentiles(0, Double.NaN, Double.NaN, Double.NaN);

  private final AtomicReference<PipelineMetrics> pipeline =
      new AtomicReference<>(snapshot(List.of(), 0, 0, 0, 0));
  private final CopyOnWriteArrayList<ControlEvent> journal = new CopyOnWriteArrayList<>();
  private final AtomicReference<String> active = new AtomicReference<>("v1");
  private final ServiceMetrics metrics = new ServiceMetrics(pipeline::get, journal, active::get);

  static StreamMetrics stream(
      String id, long in, long out, long dropped, long corrupt, ConnectionCounts connections) {
    return new StreamMetrics(
        id, in, out, dropped, dropped / 2, 0, corrupt, connections, NO_LATENCY);
  }

  static PipelineMetrics snapshot(
      List<StreamMetrics> streams, long batches, double meanBatch, int largest, int queue) {
    return new PipelineMetrics(
        T, streams, batches, meanBatch, largest, queue, queue + 3, NO_LATENCY);
  }

  private PrometheusText scrape() {
    return PrometheusText.parse(new String(metrics.scrape(), StandardCharsets.UTF_8));
  }

  @Test
  void countersPerStreamFollowThePipelineSnapshot() {
    pipeline.set(
        snapshot(
            List.of(
                stream("cam1", 100, 90, 8, 2, ConnectionCounts.NONE),
                stream("cam2", 50, 50, 0, 0, new ConnectionCounts(6, 2, 1))),
            12,
            7.5,
            16,
            5));
    PrometheusText t = scrape();
    assertEquals("counter", t.types.get("vigil_frames_in_total"), t.types.toString());
    assertEquals(100, t.value("vigil_frames_in_total", "stream", "cam1"));
    assertEquals(90, t.value("vigil_frames_out_total", "stream", "cam1"));
    assertEquals(8, t.value("vigil_frames_dropped_total", "stream", "cam1"));
    assertEquals(4, t.value("vigil_frames_dropped_unconverted_total", "stream", "cam1"));
    assertEquals(2, t.value("vigil_frames_corrupt_total", "stream", "cam1"));
    assertEquals(50, t.value("vigil_frames_in_total", "stream", "cam2"));
    assertEquals(6, t.value("vigil_decoder_connection_attempts_total", "stream", "cam2"));
    assertEquals(2, t.value("vigil_decoder_connections_total", "stream", "cam2"));
    assertEquals(1, t.value("vigil_decoder_connection_losses_total", "stream", "cam2"));
    assertEquals(0, t.value("vigil_decoder_connection_attempts_total", "stream", "cam1"));
    assertEquals("summary", t.types.get("vigil_batch_size_frames"));
    assertEquals(12, t.value("vigil_batch_size_frames_count"));
    assertEquals(90, t.value("vigil_batch_size_frames_sum"));
    assertEquals(16, t.value("vigil_batch_size_max_frames"));
    assertEquals("gauge", t.types.get("vigil_queue_depth_frames"));
    assertEquals(5, t.value("vigil_queue_depth_frames"));
    assertEquals(8, t.value("vigil_queue_depth_max_frames"));

    // The next scrape reads the next snapshot: nothing is cached or counted on the side.
    pipeline.set(
        snapshot(List.of(stream("cam1", 130, 120, 8, 2, ConnectionCounts.NONE)), 15, 8, 16, 0));
    PrometheusText next = scrape();
    assertEquals(130, next.value("vigil_frames_in_total", "stream", "cam1"));
    assertEquals(0, next.value("vigil_queue_depth_frames"));
    assertEquals(120, next.value("vigil_batch_size_frames_sum"));
  }

  @Test
  void controlEventsFromTheJournalAreCountedOnceEach() {
    journal.add(new ControlEvent.ClipsArrived(T, List.of(Path.of("a.mp4"), Path.of("b.mp4"))));
    journal.add(new ControlEvent.TrainingStarted(T, List.of(Path.of("a.mp4")), "v1"));
    journal.add(new ControlEvent.TrainingFailed(T, "out of memory"));
    journal.add(new ControlEvent.TrainingStarted(T, List.of(Path.of("a.mp4")), "v1"));
    journal.add(
        new ControlEvent.GateDecided(
            T, "v2", new GateVerdict(true, 0.40, 0.85, 0.90, 0.88, "passed"), 100, 50, 3.5));
    journal.add(new ControlEvent.VersionPublished(T, "v2", "v1"));
    journal.add(new ControlEvent.Swapped(T, new SwapReport("v1", "v2", 3, 20, 1000)));
    journal.add(new ControlEvent.TrainerYield(T, true, 130));
    PrometheusText t = scrape();
    assertEquals(1, t.value("vigil_model_swaps_total"));
    assertEquals(0, t.value("vigil_model_swap_refusals_total"));
    assertEquals(1, t.value("vigil_model_versions_published_total"));
    assertEquals(2, t.value("vigil_trainer_runs_started_total"));
    assertEquals(1, t.value("vigil_trainer_runs_failed_total"));
    assertEquals(2, t.value("vigil_clips_arrived_total"));
    assertEquals(1, t.value("vigil_trainer_paused"));
    assertEquals(1, t.value("vigil_gate_decisions_total", "outcome", "passed"));
    assertEquals(0, t.value("vigil_gate_decisions_total", "outcome", "refused"));
    assertEquals(0.85, t.value("vigil_gate_accuracy_ratio", "data", "new", "model", "candidate"));
    assertEquals(0.40, t.value("vigil_gate_accuracy_ratio", "data", "new", "model", "base"));
    assertEquals(
        0.88, t.value("vigil_gate_accuracy_ratio", "data", "original", "model", "candidate"));
    assertEquals(0.90, t.value("vigil_gate_accuracy_ratio", "data", "original", "model", "base"));

    // Only what came since is added; the last decision's accuracies replace the earlier ones.
    journal.add(
        new ControlEvent.GateDecided(
            T, "v3", new GateVerdict(false, 0.50, 0.55, 0.90, 0.70, "forgot"), 100, 50, 3.5));
    journal.add(new ControlEvent.SwapRefused(T, "v3", "does not fit"));
    journal.add(new ControlEvent.ClipRejected(T, Path.of("c.mp4"), "no labels"));
    journal.add(new ControlEvent.Swapped(T, new SwapReport("v2", "v1", 3, 20, 2000)));
    journal.add(new ControlEvent.TrainerYield(T, false, 40));
    PrometheusText next = scrape();
    assertEquals(2, next.value("vigil_model_swaps_total"));
    assertEquals(1, next.value("vigil_model_swap_refusals_total"));
    assertEquals(1, next.value("vigil_clips_rejected_total"));
    assertEquals(2, next.value("vigil_trainer_runs_started_total"));
    assertEquals(0, next.value("vigil_trainer_paused"));
    assertEquals(1, next.value("vigil_gate_decisions_total", "outcome", "passed"));
    assertEquals(1, next.value("vigil_gate_decisions_total", "outcome", "refused"));
    assertEquals(
        0.55, next.value("vigil_gate_accuracy_ratio", "data", "new", "model", "candidate"));
  }

  @Test
  void noGateAccuracyBeforeTheFirstDecision() {
    PrometheusText t = scrape();
    assertTrue(t.samples.stream().noneMatch(s -> s.name().startsWith("vigil_gate_accuracy")));
    assertEquals(0, t.value("vigil_gate_decisions_total", "outcome", "passed"));
  }

  @Test
  void activeVersionIsAnInfoMetric() {
    PrometheusText t = scrape();
    assertEquals(1, t.value("vigil_model_info", "version", "v1"));
    active.set("v7");
    PrometheusText next = scrape();
    assertEquals(1, next.value("vigil_model_info", "version", "v7"));
    assertFalse(next.find("vigil_model_info", "version", "v1").isPresent());
    active.set(null);
    assertTrue(scrape().samples.stream().noneMatch(s -> s.name().equals("vigil_model_info")));
  }

  @Test
  void latencyHistogramBucketsCountObservedResults() {
    for (double millis : new double[] {4, 40, 40, 400, Double.NaN}) {
      metrics.observe(new FrameResult("cam1", 0, 0, "v1", List.of(), millis));
    }
    metrics.observe(new FrameResult("cam2", 0, 0, "v1", List.of(), 8));
    PrometheusText t = scrape();
    assertEquals("histogram", t.types.get("vigil_result_latency_seconds"));
    assertEquals(
        0, t.value("vigil_result_latency_seconds_bucket", "stream", "cam1", "le", "0.001"));
    assertEquals(
        1, t.value("vigil_result_latency_seconds_bucket", "stream", "cam1", "le", "0.005"));
    assertEquals(1, t.value("vigil_result_latency_seconds_bucket", "stream", "cam1", "le", "0.03"));
    assertEquals(3, t.value("vigil_result_latency_seconds_bucket", "stream", "cam1", "le", "0.05"));
    assertEquals(3, t.value("vigil_result_latency_seconds_bucket", "stream", "cam1", "le", "0.3"));
    assertEquals(4, t.value("vigil_result_latency_seconds_bucket", "stream", "cam1", "le", "0.5"));
    assertEquals(4, t.value("vigil_result_latency_seconds_bucket", "stream", "cam1", "le", "+Inf"));
    assertEquals(4, t.value("vigil_result_latency_seconds_count", "stream", "cam1"));
    assertEquals(0.484, t.value("vigil_result_latency_seconds_sum", "stream", "cam1"), 1e-9);
    assertEquals(1, t.value("vigil_result_latency_seconds_bucket", "stream", "cam2", "le", "0.01"));
    assertEquals(1, t.value("vigil_result_latency_seconds_count", "stream", "cam2"));
  }

  @Test
  void epochsComeFromTheTrainingListener() {
    PrometheusText before = scrape();
    assertEquals(0, before.value("vigil_trainer_epochs_total"));
    assertFalse(before.find("vigil_trainer_epoch_loss").isPresent());
    metrics.trainingListener().onEpochEnd(new EpochSummary(1, 2, 0.9, 0.61, Duration.ofSeconds(1)));
    metrics.trainingListener().onEpochEnd(new EpochSummary(2, 2, 0.5, 0.72, Duration.ofSeconds(2)));
    PrometheusText t = scrape();
    assertEquals(2, t.value("vigil_trainer_epochs_total"));
    assertEquals(0.5, t.value("vigil_trainer_epoch_loss"));
    assertEquals(0.72, t.value("vigil_trainer_epoch_test_accuracy_ratio"));
  }

  @Test
  void awkwardStreamNamesAreEscaped() {
    String name = "cam \"north\"\nback\\slash";
    pipeline.set(snapshot(List.of(stream(name, 3, 2, 0, 0, ConnectionCounts.NONE)), 1, 2, 2, 0));
    metrics.observe(new FrameResult(name, 0, 0, "v1", List.of(), 4));
    String raw = new String(metrics.scrape(), StandardCharsets.UTF_8);
    assertTrue(
        raw.contains("vigil_frames_in_total{stream=\"cam \\\"north\\\"\\nback\\\\slash\"} 3"), raw);
    PrometheusText t = PrometheusText.parse(raw);
    assertEquals(3, t.value("vigil_frames_in_total", "stream", name));
    assertEquals(1, t.value("vigil_result_latency_seconds_count", "stream", name));
  }

  @Test
  void namesFollowPrometheusConventions() {
    pipeline.set(snapshot(List.of(stream("cam1", 1, 1, 0, 0, ConnectionCounts.NONE)), 1, 1, 1, 0));
    metrics.observe(new FrameResult("cam1", 0, 0, "v1", List.of(), 4));
    PrometheusText t = scrape();
    for (PrometheusText.Sample s : t.samples) {
      String family = t.family(s.name());
      String type = t.types.get(family);
      assertTrue(type != null, "sample " + s.name() + " has no TYPE line");
      assertTrue(
          s.name().startsWith("vigil_")
              || s.name().startsWith("jvm_")
              || s.name().startsWith("process_"),
          s.name());
      if (type.equals("counter")) {
        assertTrue(s.name().endsWith("_total"), "counter without _total: " + s.name());
      }
    }
    // Units in names: durations in seconds, fractions as ratios, sizes in bytes.
    assertTrue(t.types.keySet().stream().noneMatch(n -> n.contains("millis")), t.types.toString());
    assertTrue(t.find("jvm_memory_used_bytes", "area", "heap").isPresent(), "JVM heap metric");
    assertTrue(t.types.containsKey("jvm_gc_collection_seconds"), t.types.toString());
  }
}
