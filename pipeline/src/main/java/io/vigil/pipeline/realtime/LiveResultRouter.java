package io.vigil.pipeline.realtime;

import io.vigil.pipeline.frame.StreamItem;
import io.vigil.pipeline.result.FrameResult;
import io.vigil.pipeline.result.LabelScore;
import io.vigil.pipeline.result.ResultLines;
import io.vigil.pipeline.result.SegmentTracker;
import io.vigil.pipeline.result.StreamSummary;
import io.vigil.pipeline.result.VersionSpanTracker;
import io.vigil.pipeline.stream.ClassifiedBatch;
import io.vigil.pipeline.stream.MetricsRegistry;
import io.vigil.pipeline.stream.StreamMetrics;
import io.vigil.pipeline.video.VideoAnnotator;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sink of a real-time run: appends each result to {@code <out>/<stream>.jsonl} (flushed after
 * every batch, so a reader follows it live), counts it, and on the stream's end marker closes the
 * file, writes {@code <stream>.summary.json} and completes the stream's {@link #ended} future. The
 * summary lists the model versions the stream's results came from, with their frame ranges (more
 * than one when a hot swap happened while it ran).
 *
 * <p>A live stream has no natural end, so its results file grows as it runs rather than appearing
 * whole at the end; the summary is written atomically when the stream ends. Called from one stage
 * at a time (a {@code mapAsync(1)} on the blocking dispatcher); {@link #closeAll()} at the end of
 * the run, hence synchronized.
 */
final class LiveResultRouter {

  private static final Logger log = LoggerFactory.getLogger(LiveResultRouter.class);

  private final Path outDir;
  private final List<String> classNames;
  private final MetricsRegistry metrics;
  private final Map<String, Open> open = new HashMap<>();
  private final Map<String, VideoAnnotator> annotators = new HashMap<>();
  private final Set<String> seen = new HashSet<>();
  private final Map<String, CompletableFuture<StreamMetrics>> ended = new ConcurrentHashMap<>();
  private final Map<String, String> sources = new ConcurrentHashMap<>();
  private final Map<String, String> failures = new ConcurrentHashMap<>();

  LiveResultRouter(Path outDir, List<String> classNames, MetricsRegistry metrics) {
    this.outDir = outDir;
    this.classNames = classNames;
    this.metrics = metrics;
  }

  /**
   * Completes with the stream's final counters when its end marker has been written.
   *
   * @param source the file or URL, for the summary; null to leave it as it was given
   */
  CompletableFuture<StreamMetrics> ended(String stream, String source) {
    if (source != null) {
      sources.put(stream, source);
    }
    return ended.computeIfAbsent(stream, s -> new CompletableFuture<>());
  }

  /** The streams that failed so far, with what went wrong (naming the input). */
  Map<String, String> failures() {
    return Map.copyOf(failures);
  }

  /** Writes an annotated video of {@code stream} with {@code annotator} until the stream ends. */
  synchronized void annotate(String stream, VideoAnnotator annotator) {
    VideoAnnotator previous = annotators.put(stream, annotator);
    if (previous != null) {
      close(stream, previous);
    }
  }

  synchronized void accept(ClassifiedBatch batch) {
    metrics.batch(batch.batchSize());
    try {
      for (int i = 0; i < batch.results().size(); i++) {
        FrameResult r = batch.results().get(i);
        open(r.stream()).add(r);
        org.bytedeco.javacv.Frame image = batch.images().get(i);
        if (image != null) {
          annotate(r, image);
        }
      }
      for (Open o : open.values()) {
        o.flush();
      }
      for (StreamItem marker : batch.markers()) {
        if (marker instanceof StreamItem.Failed failed) {
          String message =
              failed.error().getMessage() == null
                  ? failed.error().toString()
                  : failed.error().getMessage();
          log.warn("{}: stream failed: {}", failed.stream(), message);
          failures.put(failed.stream(), message);
        }
        finish(marker.stream());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Closes every stream still open (the run is stopping). */
  synchronized void closeAll() {
    Set<String> streams = new HashSet<>(open.keySet());
    streams.addAll(annotators.keySet());
    for (String stream : streams) {
      try {
        finish(stream);
      } catch (IOException e) {
        // Its last results or its summary are lost: the run must not end as a success.
        failures.put(stream, "closing its results failed: " + e.getMessage());
      }
    }
  }

  private void annotate(FrameResult r, org.bytedeco.javacv.Frame image) {
    try (image) {
      VideoAnnotator annotator = annotators.get(r.stream());
      if (annotator != null) {
        LabelScore top = r.top().get(0);
        annotator.write(image, top.label(), top.score(), r.model());
      }
    } catch (IOException e) {
      // The annotated copy is optional: stop it, keep the stream's results going.
      log.warn("{}: annotated video stopped: {}", r.stream(), e.getMessage());
      VideoAnnotator broken = annotators.remove(r.stream());
      if (broken != null) {
        close(r.stream(), broken);
      }
    }
  }

  private static void close(String stream, VideoAnnotator annotator) {
    try {
      annotator.close();
    } catch (IOException e) {
      log.warn("{}: closing the annotated video failed: {}", stream, e.getMessage());
    }
  }

  private Open open(String stream) throws IOException {
    Open o = open.get(stream);
    if (o == null) {
      Files.createDirectories(outDir);
      // The first time in this run the file starts afresh; a stream added again appends.
      StandardOpenOption mode =
          seen.add(stream) ? StandardOpenOption.TRUNCATE_EXISTING : StandardOpenOption.APPEND;
      OutputStream file =
          Files.newOutputStream(
              outDir.resolve(stream + ".jsonl"),
              StandardOpenOption.CREATE,
              StandardOpenOption.WRITE,
              mode);
      o = new Open(new BufferedOutputStream(file, 1 << 16));
      open.put(stream, o);
    }
    return o;
  }

  private void finish(String stream) throws IOException {
    VideoAnnotator annotator = annotators.remove(stream);
    if (annotator != null) {
      close(stream, annotator);
    }
    Open o = open.remove(stream);
    if (o != null) {
      o.out.close();
    }
    StreamMetrics m =
        metrics.snapshot().streams().stream()
            .filter(s -> s.stream().equals(stream))
            .findFirst()
            .orElse(null);
    if (o != null && m != null) {
      new StreamSummary(
              stream,
              sources.getOrDefault(stream, stream),
              o.versions.lastModel(),
              o.versions.spans(),
              o.frames,
              (o.lastNanos - o.firstNanos) / 1e9,
              m.dropped(),
              m.droppedUnconverted(),
              m.corrupt(),
              null,
              classNames,
              o.perClass,
              o.segments.segments(),
              m.latency(),
              null,
              m.connections().attempts() == 0 ? null : m.connections())
          .write(outDir.resolve(stream + ".summary.json"));
    }
    CompletableFuture<StreamMetrics> done = ended.remove(stream);
    if (done != null) {
      done.complete(m);
    }
  }

  /** One stream being written. */
  private final class Open {
    final OutputStream out;
    final long[] perClass = new long[classNames.size()];
    final SegmentTracker segments = new SegmentTracker(10);
    final VersionSpanTracker versions = new VersionSpanTracker(false);
    final List<FrameResult> pending = new java.util.ArrayList<>();
    long frames;
    long firstNanos;
    long lastNanos;

    Open(OutputStream out) {
      this.out = out;
    }

    void add(FrameResult r) {
      long now = System.nanoTime();
      if (frames == 0) {
        firstNanos = now;
      }
      lastNanos = now;
      frames++;
      LabelScore top = r.top().get(0);
      perClass[top.classIndex()]++;
      segments.add(r.frame(), r.ptsMicros(), top.classIndex(), top.label());
      versions.add(r.model(), r.frame());
      metrics.stream(r.stream()).framesOut.increment();
      metrics.latency(r.stream(), r.latencyMillis());
      pending.add(r);
    }

    void flush() throws IOException {
      if (!pending.isEmpty()) {
        ResultLines.write(out, pending);
        out.flush();
        pending.clear();
      }
    }
  }
}
