package io.vigil.pipeline.analyze;

import io.vigil.pipeline.frame.StreamItem;
import io.vigil.pipeline.result.DecodeReport;
import io.vigil.pipeline.result.FrameResult;
import io.vigil.pipeline.result.LabelAccuracy;
import io.vigil.pipeline.result.LabelScore;
import io.vigil.pipeline.result.LatencyTracker;
import io.vigil.pipeline.result.SegmentTracker;
import io.vigil.pipeline.result.StreamSummary;
import io.vigil.pipeline.result.VersionSpanTracker;
import io.vigil.pipeline.stream.ClassifiedBatch;
import io.vigil.pipeline.stream.MetricsRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sink of an offline run: routes each result to its stream's results file, tallies its labels
 * (and, where the stream's true labels are known, how many were right), and on a stream's end
 * marker commits that file and writes the stream's summary; on a failure marker throws the stream's
 * partial results away. Every file is written through {@link AtomicResultFile}, so it is complete
 * or absent. The summary lists the model versions the stream's results came from, with their frame
 * ranges and, where the true labels are known, the accuracy of each.
 *
 * <p>Called by one stage at a time (a {@code mapAsync(1)} on the blocking dispatcher), and by the
 * run's end to abort what is still open; the methods are synchronized for that last case.
 */
final class OfflineResultRouter {

  private static final Logger log = LoggerFactory.getLogger(OfflineResultRouter.class);

  private final OutputLayout layout;
  private final Map<String, Path> videos;
  private final Map<String, int[]> trueLabels;
  private final Supplier<String> serving;
  private final List<String> classNames;
  private final int segmentMinFrames;
  private final MetricsRegistry metrics;
  private final BatchListener listener;
  private final Map<String, Open> open = new HashMap<>();
  private final Map<String, FileOutcome> outcomes = new LinkedHashMap<>();
  private boolean closed;

  /**
   * @param trueLabels each stream's true label per frame, for the streams whose labels are known
   * @param serving the version serving now: the summary's model for a stream without results
   */
  OfflineResultRouter(
      OutputLayout layout,
      Map<String, Path> videos,
      Map<String, int[]> trueLabels,
      Supplier<String> serving,
      List<String> classNames,
      int segmentMinFrames,
      MetricsRegistry metrics,
      BatchListener listener) {
    this.layout = layout;
    this.videos = videos;
    this.trueLabels = trueLabels;
    this.serving = serving;
    this.classNames = classNames;
    this.segmentMinFrames = segmentMinFrames;
    this.metrics = metrics;
    this.listener = listener;
  }

  /** Writes a batch's results, then handles its end markers. Returns the frames written. */
  synchronized int accept(ClassifiedBatch batch) {
    if (closed) {
      return 0;
    }
    metrics.batch(batch.batchSize());
    try {
      for (FrameResult r : batch.results()) {
        Open stream = open(r.stream());
        stream.add(r);
      }
      for (Open stream : open.values()) {
        stream.flush();
      }
      for (StreamItem marker : batch.markers()) {
        if (marker instanceof StreamItem.End end) {
          finish(end.stream(), end.decode());
        } else if (marker instanceof StreamItem.Failed failed) {
          fail(failed.stream(), failed.error());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return batch.results().size();
  }

  /** Throws away every stream still open (the run failed or was cancelled). */
  synchronized void abortAll() {
    closed = true;
    for (Open stream : open.values()) {
      stream.results.abort();
    }
    open.clear();
  }

  /** What became of each stream that ended, in the order they ended. */
  synchronized List<FileOutcome> outcomes() {
    return new ArrayList<>(outcomes.values());
  }

  private Open open(String stream) throws IOException {
    Open o = open.get(stream);
    if (o == null) {
      o = new Open(AtomicResultFile.create(layout.results(stream)), trueLabels.get(stream));
      open.put(stream, o);
    }
    return o;
  }

  private void finish(String stream, DecodeReport decode) throws IOException {
    Open o = open(stream);
    open.remove(stream);
    o.results.commit();
    MetricsRegistry.Counters counters = metrics.stream(stream);
    long corrupt =
        decode == null ? 0 : decode.damagedFrames() + decode.decodeErrors() + decode.framesLost();
    counters.corrupt.add(corrupt);
    StreamSummary summary =
        new StreamSummary(
            stream,
            String.valueOf(videos.get(stream)),
            o.frames == 0 ? serving.get() : o.versions.lastModel(),
            o.versions.spans(),
            o.frames,
            o.frames == 0 ? 0 : (o.lastNanos - o.firstNanos) / 1e9,
            0,
            0,
            corrupt,
            decode,
            classNames,
            o.perClass,
            o.segments.segments(),
            o.latency.percentiles(),
            o.truth == null ? null : new LabelAccuracy(o.truth.length, o.labeled, o.correct));
    Path summaryFile = layout.summary(stream);
    if (summaryFile != null) {
      summary.write(summaryFile);
    }
    FileOutcome outcome =
        new FileOutcome(
            videos.get(stream), stream, FileOutcome.Status.DONE, o.frames, null, summary);
    outcomes.put(stream, outcome);
    listener.onFile(outcome);
  }

  private void fail(String stream, Throwable error) {
    Open o = open.remove(stream);
    if (o != null) {
      o.results.abort();
    }
    String message = error.getMessage() == null ? error.toString() : error.getMessage();
    // The caller reports the failure (a FAILED line and the final list, or the one-line message).
    log.debug("{}: failed: {}", stream, message);
    FileOutcome outcome =
        new FileOutcome(videos.get(stream), stream, FileOutcome.Status.FAILED, 0, message);
    outcomes.put(stream, outcome);
    listener.onFile(outcome);
  }

  /** One stream being written. */
  private final class Open {
    final AtomicResultFile results;
    final long[] perClass = new long[classNames.size()];
    final SegmentTracker segments = new SegmentTracker(segmentMinFrames);
    final LatencyTracker latency = new LatencyTracker();
    final List<FrameResult> pending = new ArrayList<>();
    final int[] truth;
    final VersionSpanTracker versions;
    long frames;
    long labeled;
    long correct;
    long firstNanos;
    long lastNanos;

    /**
     * @param truth the true label of each frame, or null when unknown
     */
    Open(AtomicResultFile results, int[] truth) {
      this.results = results;
      this.truth = truth;
      this.versions = new VersionSpanTracker(truth != null);
    }

    void add(FrameResult r) {
      long now = System.nanoTime();
      if (frames == 0) {
        // The frame left its decoder latencyMillis ago: the stream's clock starts there.
        firstNanos = now - (long) (r.latencyMillis() * 1e6);
      }
      lastNanos = now;
      frames++;
      LabelScore top = r.top().get(0);
      perClass[top.classIndex()]++;
      boolean isLabeled = truth != null && r.frame() < truth.length;
      boolean right = isLabeled && truth[(int) r.frame()] == top.classIndex();
      if (isLabeled) {
        labeled++;
        if (right) {
          correct++;
        }
      }
      versions.add(r.model(), r.frame(), isLabeled, right);
      segments.add(r.frame(), r.ptsMicros(), top.classIndex(), top.label());
      latency.record(r.latencyMillis());
      MetricsRegistry.Counters counters = metrics.stream(r.stream());
      counters.framesIn.increment();
      counters.framesOut.increment();
      metrics.latency(r.stream(), r.latencyMillis());
      pending.add(r);
    }

    void flush() throws IOException {
      if (!pending.isEmpty()) {
        results.write(pending);
        pending.clear();
      }
    }
  }
}
