package io.vigil.pipeline.realtime;

import io.vigil.pipeline.frame.StreamItem;
import io.vigil.pipeline.result.FrameResult;
import io.vigil.pipeline.result.LabelScore;
import io.vigil.pipeline.result.ResultSink;
import io.vigil.pipeline.result.StreamEnding;
import io.vigil.pipeline.result.StreamOutput;
import io.vigil.pipeline.result.WritePolicy;
import io.vigil.pipeline.stream.ClassifiedBatch;
import io.vigil.pipeline.stream.MetricsRegistry;
import io.vigil.pipeline.stream.StreamMetrics;
import io.vigil.pipeline.video.LabelSidecar;
import io.vigil.pipeline.video.VideoAnnotator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sink of a real-time run, over a {@link ResultSink} with {@link WritePolicy#LIVE}: appends
 * each result to {@code <out>/<stream>.jsonl} (flushed after every batch, so a reader follows it
 * live), counts it in the stream's metrics, and on the stream's end marker closes the file, writes
 * {@code <stream>.summary.json} (with the drops, corrupt frames and latency of the stream's
 * metrics, and its accuracy when it is a file with a {@code VIDEO.labels.csv} sidecar) and
 * completes the stream's {@link #ended} future. The summary lists the model versions the stream's
 * results came from, with their frame ranges (more than one when a hot swap happened while it ran).
 *
 * <p>A live stream has no natural end, so its results file grows as it runs rather than appearing
 * whole at the end; the summary is written atomically when the stream ends. Called from one stage
 * at a time (a {@code mapAsync(1)} on the blocking dispatcher); {@link #closeAll()} at the end of
 * the run, hence synchronized.
 */
final class LiveResultRouter {

  private static final Logger log = LoggerFactory.getLogger(LiveResultRouter.class);

  /** The fewest frames a best label must hold to make a summary segment. */
  private static final int SEGMENT_MIN_FRAMES = 10;

  private final ResultSink sink;
  private final MetricsRegistry metrics;
  private final Map<String, VideoAnnotator> annotators = new HashMap<>();
  private final Map<String, CompletableFuture<StreamMetrics>> ended = new ConcurrentHashMap<>();
  private final Map<String, String> sources = new ConcurrentHashMap<>();
  private final Map<String, String> failures = new ConcurrentHashMap<>();
  private final Map<String, int[]> truth = new ConcurrentHashMap<>();

  LiveResultRouter(Path outDir, List<String> classNames, MetricsRegistry metrics) {
    this.sink =
        new ResultSink(
            WritePolicy.LIVE,
            classNames,
            SEGMENT_MIN_FRAMES,
            ResultSink.Clock.FIRST_RESULT,
            stream ->
                new StreamOutput(
                    outDir.resolve(stream + ".jsonl"),
                    outDir.resolve(stream + ".summary.json"),
                    truth.get(stream)));
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

  /**
   * Compares {@code stream}'s results with the labels of {@code video}'s sidecar ({@code
   * VIDEO.labels.csv}) when there is one, so that its summary has an accuracy; call before the
   * stream's first result. A sidecar that cannot be read is reported once and leaves the summary
   * without accuracy.
   */
  void truthFrom(String stream, Path video) {
    truth.remove(stream);
    Path sidecar = LabelSidecar.pathFor(video);
    if (!Files.isRegularFile(sidecar)) {
      return;
    }
    try {
      truth.put(stream, LabelSidecar.read(sidecar));
    } catch (IOException e) {
      log.warn("stream {}: no accuracy in its summary: {}", stream, e.getMessage());
    }
  }

  /** The labels {@link #truthFrom} read for {@code stream}, or null. */
  int[] truthOf(String stream) {
    return truth.get(stream);
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

  /**
   * Writes a batch's results (and the annotated frames of the streams that have an annotator), then
   * ends the streams of its markers: a failed stream is recorded in {@link #failures()}, and ends
   * like any other, with its summary.
   */
  synchronized void accept(ClassifiedBatch batch) {
    metrics.batch(batch.batchSize());
    try {
      sink.write(batch.results());
      for (int i = 0; i < batch.results().size(); i++) {
        FrameResult r = batch.results().get(i);
        metrics.stream(r.stream()).framesOut.increment();
        metrics.latency(r.stream(), r.latencyMillis());
        org.bytedeco.javacv.Frame image = batch.images().get(i);
        if (image != null) {
          annotate(r, image);
        }
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
    Set<String> streams = new LinkedHashSet<>(sink.openStreams());
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

  private void finish(String stream) throws IOException {
    VideoAnnotator annotator = annotators.remove(stream);
    if (annotator != null) {
      close(stream, annotator);
    }
    StreamMetrics m =
        metrics.snapshot().streams().stream()
            .filter(s -> s.stream().equals(stream))
            .findFirst()
            .orElse(null);
    if (m == null) {
      // No result was counted, so the sink holds nothing of it either.
      sink.fail(stream);
    } else {
      sink.end(
          stream,
          new StreamEnding(
              sources.getOrDefault(stream, stream),
              null,
              m.dropped(),
              m.droppedUnconverted(),
              m.corrupt(),
              m.latency(),
              null,
              m.connections().attempts() == 0 ? null : m.connections()));
    }
    CompletableFuture<StreamMetrics> done = ended.remove(stream);
    if (done != null) {
      done.complete(m);
    }
  }
}
