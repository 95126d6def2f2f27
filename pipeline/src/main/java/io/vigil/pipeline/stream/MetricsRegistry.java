package io.vigil.pipeline.stream;

import io.vigil.pipeline.result.ConnectionCounts;
import io.vigil.pipeline.result.LatencyTracker;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The live counters of one pipeline, updated by its stages from their own threads and read by
 * {@link #snapshot()} from any thread. Counters only grow; a stream's entry stays after the stream
 * ends so that a final snapshot still shows it.
 */
public final class MetricsRegistry {

  private final Map<String, Counters> streams = new ConcurrentHashMap<>();
  private final List<String> order = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final LatencyTracker latency = new LatencyTracker();

  /** The last second's latencies, over all streams (what training yields to). */
  private final RecentLatency recent = new RecentLatency(1_000_000_000L, 4096);

  private final LongAdder batches = new LongAdder();
  private final LongAdder batchedFrames = new LongAdder();
  private final AtomicInteger largestBatch = new AtomicInteger();
  private final AtomicInteger queueDepth = new AtomicInteger();
  private final AtomicInteger maxQueueDepth = new AtomicInteger();

  /** The counters of {@code stream}, created at first use. */
  public Counters stream(String stream) {
    return streams.computeIfAbsent(
        stream,
        id -> {
          order.add(id);
          return new Counters();
        });
  }

  /** Records one engine call of {@code size} frames. */
  public void batch(int size) {
    if (size == 0) {
      return;
    }
    batches.increment();
    batchedFrames.add(size);
    largestBatch.accumulateAndGet(size, Math::max);
  }

  /** Records the depth of the real-time buffer now. */
  public void queueDepth(int depth) {
    queueDepth.set(depth);
    maxQueueDepth.accumulateAndGet(depth, Math::max);
  }

  /** Records one frame's capture-to-result latency for {@code stream}. */
  public void latency(String stream, double millis) {
    latency.record(millis);
    recent.record(millis);
    stream(stream).latency.record(millis);
  }

  /** The latencies of the results of the last second, over all streams. */
  public RecentLatency recentLatency() {
    return recent;
  }

  /** The counters as they are now. */
  public PipelineMetrics snapshot() {
    List<StreamMetrics> list = new ArrayList<>();
    for (String id : order) {
      Counters c = streams.get(id);
      list.add(
          new StreamMetrics(
              id,
              c.framesIn.sum(),
              c.framesOut.sum(),
              c.dropped.sum(),
              c.droppedUnconverted.sum(),
              c.droppedLate.sum(),
              c.corrupt.sum(),
              new ConnectionCounts(c.attempts.sum(), c.connections.sum(), c.losses.sum()),
              c.latency.percentiles()));
    }
    long n = batches.sum();
    return new PipelineMetrics(
        Instant.now(),
        List.copyOf(list),
        n,
        n == 0 ? 0 : (double) batchedFrames.sum() / n,
        largestBatch.get(),
        queueDepth.get(),
        maxQueueDepth.get(),
        latency.percentiles());
  }

  /** One stream's counters; each is safe to add to from any thread. */
  public static final class Counters {
    public final LongAdder framesIn = new LongAdder();
    public final LongAdder framesOut = new LongAdder();

    /** Every frame dropped under overload, wherever it was dropped. */
    public final LongAdder dropped = new LongAdder();

    /** Of those, the frames the source shed before converting them (a part of {@link #dropped}). */
    public final LongAdder droppedUnconverted = new LongAdder();

    /** Of those, the frames a paced source shed because it had fallen behind real time. */
    public final LongAdder droppedLate = new LongAdder();

    public final LongAdder corrupt = new LongAdder();

    /** Times a network source was opened or tried (see {@link ConnectionCounts}). */
    public final LongAdder attempts = new LongAdder();

    /** Attempts that opened it. */
    public final LongAdder connections = new LongAdder();

    /** Connections that were up and ended. */
    public final LongAdder losses = new LongAdder();

    final LatencyTracker latency = new LatencyTracker();

    Counters() {}
  }
}
