package io.vigil.pipeline.analyze;

import io.vigil.pipeline.frame.StreamItem;
import io.vigil.pipeline.result.DecodeReport;
import io.vigil.pipeline.result.FrameResult;
import io.vigil.pipeline.result.ResultSink;
import io.vigil.pipeline.result.StreamEnding;
import io.vigil.pipeline.result.StreamOutput;
import io.vigil.pipeline.result.StreamSummary;
import io.vigil.pipeline.result.WritePolicy;
import io.vigil.pipeline.stream.ClassifiedBatch;
import io.vigil.pipeline.stream.MetricsRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sink of an offline run, over a {@link ResultSink} with {@link WritePolicy#ATOMIC}: routes
 * each result to its stream's results file, tallies its labels (and, where the stream's true labels
 * are known, how many were right), and on a stream's end marker commits that file and writes the
 * stream's summary; on a failure marker throws the stream's partial results away. Every results
 * file is complete or absent. It counts each result and each end marker's corrupt frames in the
 * run's metrics, and reports each stream's {@link FileOutcome} to the listener. The summary lists
 * the model versions the stream's results came from, with their frame ranges and, where the true
 * labels are known, the accuracy of each.
 *
 * <p>Called by one stage at a time (a {@code mapAsync(1)} on the blocking dispatcher), and by the
 * run's end to abort what is still open; the methods are synchronized for that last case.
 */
final class OfflineResultRouter {

  private static final Logger log = LoggerFactory.getLogger(OfflineResultRouter.class);

  private final ResultSink sink;
  private final Map<String, Path> videos;
  private final Supplier<String> serving;
  private final MetricsRegistry metrics;
  private final BatchListener listener;
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
    this.sink =
        new ResultSink(
            WritePolicy.ATOMIC,
            classNames,
            segmentMinFrames,
            ResultSink.Clock.FIRST_DECODE,
            stream ->
                new StreamOutput(
                    layout.results(stream), layout.summary(stream), trueLabels.get(stream)));
    this.videos = videos;
    this.serving = serving;
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
      sink.write(batch.results());
      for (FrameResult r : batch.results()) {
        MetricsRegistry.Counters counters = metrics.stream(r.stream());
        counters.framesIn.increment();
        counters.framesOut.increment();
        metrics.latency(r.stream(), r.latencyMillis());
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
    for (String stream : sink.openStreams()) {
      sink.fail(stream);
    }
  }

  /** What became of each stream that ended, in the order they ended. */
  synchronized List<FileOutcome> outcomes() {
    return new ArrayList<>(outcomes.values());
  }

  private void finish(String stream, DecodeReport decode) throws IOException {
    long corrupt =
        decode == null ? 0 : decode.damagedFrames() + decode.decodeErrors() + decode.framesLost();
    StreamEnding ending =
        new StreamEnding(
            String.valueOf(videos.get(stream)), decode, 0, 0, corrupt, null, serving.get());
    StreamSummary summary = sink.end(stream, ending);
    metrics.stream(stream).corrupt.add(corrupt);
    FileOutcome outcome =
        new FileOutcome(
            videos.get(stream), stream, FileOutcome.Status.DONE, summary.frames(), null, summary);
    outcomes.put(stream, outcome);
    listener.onFile(outcome);
  }

  private void fail(String stream, Throwable error) {
    sink.fail(stream);
    String message = error.getMessage() == null ? error.toString() : error.getMessage();
    // The caller reports the failure (a FAILED line and the final list, or the one-line message).
    log.debug("{}: failed: {}", stream, message);
    FileOutcome outcome =
        new FileOutcome(videos.get(stream), stream, FileOutcome.Status.FAILED, 0, message);
    outcomes.put(stream, outcome);
    listener.onFile(outcome);
  }
}
