package io.vigil.pipeline.control;

import io.vigil.pipeline.frame.StreamItem;
import io.vigil.pipeline.realtime.SourceSpec;
import io.vigil.pipeline.result.FrameResult;
import io.vigil.pipeline.stream.ModelSwapTarget;
import io.vigil.pipeline.stream.PipelineMetrics;
import io.vigil.pipeline.stream.StreamMetrics;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * The running streams as the {@link StreamManager} controls them: the data plane seen from the
 * control plane. {@link RealtimeStreams} is the real-time pipeline's; tests give fakes.
 */
public interface LiveStreams extends ModelSwapTarget {

  /**
   * Starts a stream.
   *
   * @return completes with its final counters once it has ended and its results are closed
   * @throws IllegalArgumentException when a stream with that id runs already
   */
  CompletionStage<StreamMetrics> add(SourceSpec spec);

  /**
   * Stops a stream; the others go on.
   *
   * @throws IllegalArgumentException when no stream of that id runs
   */
  void remove(String id);

  /** The ids of the streams running now. */
  Set<String> streams();

  /** The pipeline's counters now. */
  PipelineMetrics metrics();

  /**
   * The 99th percentile of the capture-to-result latency of the results of roughly the last second,
   * milliseconds; NaN when there were none.
   */
  double recentLatencyP99Millis();

  /**
   * Hands every converted frame of every stream to {@code tap} as it enters the pipeline (on the
   * stream's thread: keep it quick), besides the taps added before, so that labeled streams become
   * training data.
   */
  void tapFrames(Consumer<StreamItem.Frame> tap);

  /**
   * Hands every result of every stream to {@code tap} once it is written (on the writer's thread:
   * keep it quick), besides the taps added before.
   */
  void tapResults(Consumer<FrameResult> tap);

  /**
   * The true labels of a file stream whose file has a labels sidecar; empty for other streams (and
   * for data planes that do not know them).
   */
  default java.util.Optional<io.vigil.pipeline.realtime.FileLabels> fileLabels(String stream) {
    return java.util.Optional.empty();
  }
}
