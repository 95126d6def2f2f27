package io.vigil.pipeline.result;

import java.util.List;

/**
 * What a {@link ResultSink} counts of one stream's results to build its {@link StreamSummary}:
 * frames, the best label's class per frame, segments, model versions with their frame ranges,
 * latency and, where the true labels are known, how many best labels were right. Not thread-safe.
 */
final class StreamTally {

  private final List<String> classNames;
  private final long[] perClass;
  private final SegmentTracker segments;
  private final VersionSpanTracker versions;
  private final LatencyTracker latency = new LatencyTracker();
  private final int[] truth;
  private final boolean clockFromDecoder;
  private long frames;
  private long labeled;
  private long correct;
  private long firstNanos;
  private long lastNanos;

  /**
   * @param truth the true class index per frame, or null when unknown
   * @param clockFromDecoder whether the stream's clock starts when its first frame left the decoder
   *     (its arrival less its latency) rather than when its first result arrived
   */
  StreamTally(
      List<String> classNames, int segmentMinFrames, int[] truth, boolean clockFromDecoder) {
    this.classNames = classNames;
    this.perClass = new long[classNames.size()];
    this.segments = new SegmentTracker(segmentMinFrames);
    this.versions = new VersionSpanTracker(truth != null);
    this.truth = truth;
    this.clockFromDecoder = clockFromDecoder;
  }

  void add(FrameResult r) {
    long now = System.nanoTime();
    if (frames == 0) {
      firstNanos = clockFromDecoder ? now - (long) (r.latencyMillis() * 1e6) : now;
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
  }

  /** The summary of what was counted, completed with what only the caller knows. */
  StreamSummary summary(String stream, StreamEnding ending) {
    return new StreamSummary(
        stream,
        ending.source(),
        frames == 0 ? ending.modelWithoutResults() : versions.lastModel(),
        versions.spans(),
        frames,
        frames == 0 ? 0 : (lastNanos - firstNanos) / 1e9,
        ending.dropped(),
        ending.droppedUnconverted(),
        ending.corrupt(),
        ending.decode(),
        classNames,
        perClass,
        segments.segments(),
        ending.latency() != null ? ending.latency() : latency.percentiles(),
        truth == null ? null : new LabelAccuracy(truth.length, labeled, correct),
        ending.connections());
  }
}
