package io.vigil.pipeline.control;

import io.vigil.engine.model.Model;
import io.vigil.pipeline.realtime.SourceSpec;
import io.vigil.pipeline.stream.PipelineMetrics;
import io.vigil.pipeline.stream.StreamMetrics;
import io.vigil.pipeline.stream.SwapReport;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** Streams that do nothing but record what they are asked, with a latency the test sets. */
final class FakeLiveStreams implements LiveStreams {

  final Map<String, CompletableFuture<StreamMetrics>> running = new ConcurrentHashMap<>();
  final List<String> swappedTo = new CopyOnWriteArrayList<>();

  /** Every model asked to be swapped in, refused ones too. */
  final List<Model> offered = new CopyOnWriteArrayList<>();

  volatile String serving;
  volatile double p99 = Double.NaN;

  /** When set, the next swaps fail with this message. */
  volatile String failSwapsWith;

  FakeLiveStreams(String serving) {
    this.serving = serving;
  }

  @Override
  public CompletionStage<StreamMetrics> add(SourceSpec spec) {
    CompletableFuture<StreamMetrics> ended = new CompletableFuture<>();
    if (running.putIfAbsent(spec.id(), ended) != null) {
      throw new IllegalArgumentException("stream " + spec.id() + " is already running");
    }
    return ended;
  }

  @Override
  public void remove(String id) {
    CompletableFuture<StreamMetrics> ended = running.remove(id);
    if (ended == null) {
      throw new IllegalArgumentException("no running stream " + id);
    }
    ended.complete(null);
  }

  @Override
  public Set<String> streams() {
    return Set.copyOf(running.keySet());
  }

  @Override
  public PipelineMetrics metrics() {
    return new PipelineMetrics(
        java.time.Instant.EPOCH,
        List.of(),
        0,
        0,
        0,
        0,
        0,
        new io.vigil.pipeline.result.LatencyTracker().percentiles());
  }

  @Override
  public double recentLatencyP99Millis() {
    return p99;
  }

  /** The tap the control plane set, if any. */
  volatile java.util.function.Consumer<io.vigil.pipeline.frame.StreamItem.Frame> tap;

  @Override
  public void tapFrames(java.util.function.Consumer<io.vigil.pipeline.frame.StreamItem.Frame> t) {
    this.tap = t;
  }

  /** The result tap added last, if any. */
  volatile java.util.function.Consumer<io.vigil.pipeline.result.FrameResult> resultTap;

  @Override
  public void tapResults(java.util.function.Consumer<io.vigil.pipeline.result.FrameResult> t) {
    this.resultTap = t;
  }

  @Override
  public String modelVersion() {
    return serving;
  }

  @Override
  public CompletionStage<SwapReport> swap(Model model) {
    offered.add(model);
    if (failSwapsWith != null) {
      return CompletableFuture.failedFuture(new IllegalStateException(failSwapsWith));
    }
    String from = serving;
    serving = model.version();
    swappedTo.add(model.version());
    // As the classifier built for it would: held while it serves.
    model.hold();
    return CompletableFuture.completedFuture(new SwapReport(from, model.version(), 3, 7, 100));
  }
}
