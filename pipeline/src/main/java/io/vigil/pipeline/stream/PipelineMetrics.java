package io.vigil.pipeline.stream;

import io.vigil.pipeline.result.LatencyTracker;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * A snapshot of a running (or finished) pipeline: every stream's counters and the shared stages'.
 * Immutable; taken with {@link MetricsRegistry#snapshot()}, published as is by whoever wants to
 * (the console at the end of a run, later an HTTP endpoint).
 *
 * @param at when the snapshot was taken
 * @param streams one entry per stream seen, in the order they were added
 * @param batches engine calls so far
 * @param meanBatchSize frames per engine call, on average
 * @param largestBatch the most frames one engine call held
 * @param queueDepth frames waiting in the real-time buffer now (0 offline)
 * @param maxQueueDepth the most frames that ever waited there
 * @param latency capture-to-result latency over all streams, milliseconds
 */
public record PipelineMetrics(
    Instant at,
    List<StreamMetrics> streams,
    long batches,
    double meanBatchSize,
    int largestBatch,
    int queueDepth,
    int maxQueueDepth,
    LatencyTracker.Percentiles latency) {

  /** Frames in over all streams. */
  public long framesIn() {
    return streams.stream().mapToLong(StreamMetrics::framesIn).sum();
  }

  /** Frames out over all streams. */
  public long framesOut() {
    return streams.stream().mapToLong(StreamMetrics::framesOut).sum();
  }

  /** Frames dropped over all streams. */
  public long dropped() {
    return streams.stream().mapToLong(StreamMetrics::dropped).sum();
  }

  /** The snapshot as a few lines for people: one for the pipeline, one per stream. */
  public String describe() {
    StringBuilder s = new StringBuilder();
    s.append(
        String.format(
            Locale.ROOT,
            "pipeline: %d frames in, %d out, %d dropped (%d before conversion, %d of them late at"
                + " the source); %d batches (mean"
                + " %.1f, max %d frames); queue %d (max %d); latency %s%n",
            framesIn(),
            framesOut(),
            dropped(),
            streams.stream().mapToLong(StreamMetrics::droppedUnconverted).sum(),
            streams.stream().mapToLong(StreamMetrics::droppedLate).sum(),
            batches,
            meanBatchSize,
            largestBatch,
            queueDepth,
            maxQueueDepth,
            describe(latency)));
    for (StreamMetrics m : streams) {
      // Only a network source has connections to speak of.
      String connections = m.connections().attempts() == 0 ? "" : ", " + m.connections().describe();
      s.append(
          String.format(
              Locale.ROOT,
              "  %s: %d in, %d out, %d dropped (%d before conversion, %d late), %d corrupt%s;"
                  + " latency %s%n",
              m.stream(),
              m.framesIn(),
              m.framesOut(),
              m.dropped(),
              m.droppedUnconverted(),
              m.droppedLate(),
              m.corrupt(),
              connections,
              describe(m.latency())));
    }
    return s.toString();
  }

  private static String describe(LatencyTracker.Percentiles p) {
    if (p.count() == 0) {
      return "n/a";
    }
    return String.format(
        Locale.ROOT, "p50 %.1f ms, p95 %.1f ms, p99 %.1f ms", p.p50(), p.p95(), p.p99());
  }
}
