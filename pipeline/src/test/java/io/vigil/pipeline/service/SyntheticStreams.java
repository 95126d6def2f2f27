package io.vigil.pipeline.service;

import io.vigil.engine.model.InputContract;
import io.vigil.pipeline.frame.StreamItem;
import io.vigil.pipeline.result.ConnectionCounts;
import io.vigil.pipeline.result.FrameResult;
import io.vigil.pipeline.result.LabelScore;
import io.vigil.pipeline.result.LatencyTracker;
import io.vigil.pipeline.stream.PipelineMetrics;
import io.vigil.pipeline.stream.StreamMetrics;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Streams without a decoder or a model, for the dashboard's tests: each {@link #step()} gives every
 * stream one frame (a bright bar that moves a column per frame, so that consecutive frames differ)
 * and, except for every {@code dropEvery}-th frame, which is counted as dropped, its result. Frame
 * {@code i}'s result names {@code CLASSES[0]} unless {@code i % 5 == 4}: against a stream labeled
 * all {@code CLASSES[0]}, accuracy is 0.8.
 */
final class SyntheticStreams {

  static final InputContract CONTRACT = new InputContract(1, 28, 28, 0.5f, 0.5f);
  static final List<String> CLASSES = List.of("Sneaker", "Sandal", "Bag");

  private final Set<String> ids = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private final int dropEvery;
  private final Map<String, long[]> counters = new LinkedHashMap<>();
  private final List<Consumer<StreamItem.Frame>> frameTaps = new ArrayList<>();
  private final List<Consumer<FrameResult>> resultTaps = new ArrayList<>();
  private volatile String model = "v3";

  SyntheticStreams(Set<String> ids, int dropEvery) {
    this.ids.addAll(ids);
    this.dropEvery = dropEvery;
    ids.forEach(id -> counters.put(id, new long[3]));
  }

  void tapFrames(Consumer<StreamItem.Frame> tap) {
    frameTaps.add(tap);
  }

  void tapResults(Consumer<FrameResult> tap) {
    resultTaps.add(tap);
  }

  /** The version named in results from now on. */
  void serve(String version) {
    this.model = version;
  }

  Set<String> streams() {
    return Set.copyOf(ids);
  }

  /** Stops a stream: it is no longer listed, and gets no more frames. */
  synchronized void stop(String id) {
    ids.remove(id);
    counters.remove(id);
  }

  /** One frame per stream, and its result unless it is dropped. */
  synchronized void step() {
    for (Map.Entry<String, long[]> e : counters.entrySet()) {
      long[] c = e.getValue();
      long i = c[0]++;
      StreamItem.Frame frame =
          new StreamItem.Frame(e.getKey(), i, i * 40_000, System.nanoTime(), 0, pixels(i));
      frameTaps.forEach(t -> t.accept(frame));
      if (dropEvery > 0 && i % dropEvery == dropEvery - 1) {
        c[2]++;
        continue;
      }
      c[1]++;
      int predicted = i % 5 == 4 ? 1 : 0;
      FrameResult r =
          new FrameResult(
              e.getKey(),
              i,
              i * 40_000,
              model,
              List.of(
                  new LabelScore(predicted, CLASSES.get(predicted), 0.7f),
                  new LabelScore(2, CLASSES.get(2), 0.2f)),
              10 + i % 7,
              System.currentTimeMillis());
      resultTaps.forEach(t -> t.accept(r));
    }
  }

  /** The counters now, as the pipeline would report them. */
  synchronized PipelineMetrics metrics() {
    List<StreamMetrics> streams = new ArrayList<>();
    LatencyTracker.Percentiles none = new LatencyTracker().percentiles();
    counters.forEach(
        (id, c) ->
            streams.add(
                new StreamMetrics(id, c[0], c[1], c[2], 0, 0, 0, ConnectionCounts.NONE, none)));
    return new PipelineMetrics(Instant.now(), streams, 0, 0, 0, 0, 0, none);
  }

  /** A frame with a vertical bar at column {@code i mod width}, normalised by the contract. */
  static float[] pixels(long i) {
    int w = CONTRACT.width();
    int h = CONTRACT.height();
    float[] p = new float[CONTRACT.size()];
    int bar = (int) (i % w);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        float unit = Math.abs(x - bar) <= 2 ? 1f : 0.1f + 0.3f * y / h;
        p[y * w + x] = CONTRACT.normalise(unit);
      }
    }
    return p;
  }
}
