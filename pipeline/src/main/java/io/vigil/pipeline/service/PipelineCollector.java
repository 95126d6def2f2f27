package io.vigil.pipeline.service;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.SummarySnapshot;
import io.prometheus.metrics.model.snapshots.SummarySnapshot.SummaryDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Unit;
import io.vigil.pipeline.stream.PipelineMetrics;
import io.vigil.pipeline.stream.StreamMetrics;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;

/**
 * The pipeline's counters as Prometheus metrics, read from one {@link PipelineMetrics} snapshot per
 * scrape. The pipeline counts already; counting again in Prometheus counters would keep two tallies
 * that could disagree, so this collector only translates:
 *
 * <ul>
 *   <li>per stream (label {@code stream}): {@code vigil_frames_in_total}, {@code
 *       vigil_frames_out_total}, {@code vigil_frames_dropped_total}, {@code
 *       vigil_frames_dropped_unconverted_total}, {@code vigil_frames_corrupt_total}, {@code
 *       vigil_decoder_connection_attempts_total}, {@code vigil_decoder_connections_total}, {@code
 *       vigil_decoder_connection_losses_total};
 *   <li>shared stages: {@code vigil_batch_size_frames} (a summary without quantiles: {@code _count}
 *       is the number of engine calls, {@code _sum} the frames they held), {@code
 *       vigil_batch_size_max_frames}, {@code vigil_queue_depth_frames}, {@code
 *       vigil_queue_depth_max_frames}.
 * </ul>
 */
final class PipelineCollector implements MultiCollector {

  private static final Unit FRAMES = new Unit("frames");

  private final Supplier<PipelineMetrics> source;

  PipelineCollector(Supplier<PipelineMetrics> source) {
    this.source = Objects.requireNonNull(source, "source");
  }

  @Override
  public MetricSnapshots collect() {
    PipelineMetrics m = source.get();
    List<MetricSnapshot> out = new ArrayList<>();
    // Every stream seen stays in the snapshot, so a counter never disappears and comes back.
    List<StreamMetrics> streams = m.streams();
    out.add(
        perStream(
            "vigil_frames_in",
            "Frames the source delivered into the pipeline.",
            streams,
            s -> s.framesIn()));
    out.add(
        perStream(
            "vigil_frames_out",
            "Frames classified and written.",
            streams,
            StreamMetrics::framesOut));
    out.add(
        perStream(
            "vigil_frames_dropped",
            "Frames dropped under overload, before inference or at the source.",
            streams,
            StreamMetrics::dropped));
    out.add(
        perStream(
            "vigil_frames_dropped_unconverted",
            "Of the dropped frames, those dropped at the source before conversion.",
            streams,
            StreamMetrics::droppedUnconverted));
    out.add(
        perStream(
            "vigil_frames_corrupt",
            "Frames the decoder delivered damaged or estimated lost, plus decode errors.",
            streams,
            StreamMetrics::corrupt));
    out.add(
        perStream(
            "vigil_decoder_connection_attempts",
            "Times a network source was opened or tried (0 for a file).",
            streams,
            s -> s.connections().attempts()));
    out.add(
        perStream(
            "vigil_decoder_connections",
            "Attempts that opened a network source.",
            streams,
            s -> s.connections().connections()));
    out.add(
        perStream(
            "vigil_decoder_connection_losses",
            "Connections to a network source that ended (one per outage).",
            streams,
            s -> s.connections().losses()));
    out.add(
        SummarySnapshot.builder()
            .name("vigil_batch_size_frames")
            .help("Frames per engine call; _count is the number of engine calls.")
            .unit(FRAMES)
            .dataPoint(
                SummaryDataPointSnapshot.builder()
                    .count(m.batches())
                    // The snapshot keeps the mean; mean × count gives back the frames batched.
                    .sum(Math.rint(m.meanBatchSize() * m.batches()))
                    .build())
            .build());
    out.add(
        gauge(
            "vigil_batch_size_max_frames",
            "The most frames one engine call held.",
            m.largestBatch()));
    out.add(
        gauge(
            "vigil_queue_depth_frames",
            "Frames waiting in the real-time buffer before inference now.",
            m.queueDepth()));
    out.add(
        gauge(
            "vigil_queue_depth_max_frames",
            "The most frames that ever waited in the real-time buffer.",
            m.maxQueueDepth()));
    return new MetricSnapshots(out);
  }

  private static CounterSnapshot perStream(
      String name, String help, List<StreamMetrics> streams, ToLongFunction<StreamMetrics> value) {
    CounterSnapshot.Builder b = CounterSnapshot.builder().name(name).help(help);
    for (StreamMetrics s : streams) {
      b.dataPoint(
          CounterDataPointSnapshot.builder()
              .labels(Labels.of("stream", s.stream()))
              .value(value.applyAsLong(s))
              .build());
    }
    return b.build();
  }

  private static GaugeSnapshot gauge(String name, String help, double value) {
    return GaugeSnapshot.builder()
        .name(name)
        .help(help)
        .unit(FRAMES)
        .dataPoint(GaugeDataPointSnapshot.builder().value(value).build())
        .build();
  }
}
