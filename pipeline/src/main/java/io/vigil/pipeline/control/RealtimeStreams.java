package io.vigil.pipeline.control;

import io.vigil.engine.model.Model;
import io.vigil.pipeline.frame.StreamItem;
import io.vigil.pipeline.realtime.RealtimePipeline;
import io.vigil.pipeline.realtime.SourceSpec;
import io.vigil.pipeline.stream.PipelineMetrics;
import io.vigil.pipeline.stream.StreamMetrics;
import io.vigil.pipeline.stream.SwapReport;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/** The real-time pipeline's streams, as the {@link StreamManager} controls them. */
public final class RealtimeStreams implements LiveStreams {

  private final RealtimePipeline pipeline;

  public RealtimeStreams(RealtimePipeline pipeline) {
    this.pipeline = pipeline;
  }

  @Override
  public CompletionStage<StreamMetrics> add(SourceSpec spec) {
    return pipeline.add(spec);
  }

  @Override
  public void remove(String id) {
    pipeline.remove(id);
  }

  @Override
  public Set<String> streams() {
    return pipeline.streams();
  }

  @Override
  public PipelineMetrics metrics() {
    return pipeline.metrics();
  }

  @Override
  public double recentLatencyP99Millis() {
    return pipeline.recentLatency().quantile(0.99);
  }

  @Override
  public void tapFrames(Consumer<StreamItem.Frame> tap) {
    pipeline.tapFrames(tap);
  }

  @Override
  public java.util.Optional<io.vigil.pipeline.realtime.FileLabels> fileLabels(String stream) {
    return pipeline.fileLabels(stream);
  }

  @Override
  public void tapResults(Consumer<io.vigil.pipeline.result.FrameResult> tap) {
    pipeline.tapResults(tap);
  }

  @Override
  public String modelVersion() {
    return pipeline.modelVersion();
  }

  @Override
  public CompletionStage<SwapReport> swap(Model model) {
    return pipeline.swap(model);
  }
}
