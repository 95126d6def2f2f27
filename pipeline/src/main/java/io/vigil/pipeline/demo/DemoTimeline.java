package io.vigil.pipeline.demo;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What the demo's streams produced, second by second: accuracy against the clip's true labels and
 * latency, for the timeline, the chart and the figures; and per stream, which frames came out, to
 * show that none was lost or repeated.
 */
final class DemoTimeline {

  /** One second of results over all streams. */
  static final class Second {
    int frames;
    int correct;
    final List<Double> latencies = new ArrayList<>();
  }

  /** Accuracy of a group of results: how many, how many right. */
  record Tally(long frames, long correct) {
    double accuracy() {
      return frames == 0 ? Double.NaN : correct / (double) frames;
    }

    Tally plus(boolean right) {
      return new Tally(frames + 1, correct + (right ? 1 : 0));
    }
  }

  private final long startMillis;
  private final int changeAtFrame;
  private final String baseVersion;
  private final List<String> truth;
  private final TreeMap<Long, Second> seconds = new TreeMap<>();
  private final Map<String, TreeSet<Long>> framesByStream = new TreeMap<>();
  private final Map<String, Long> repeats = new HashMap<>();
  private final List<Double> allLatencies = new ArrayList<>();
  private Tally before = new Tally(0, 0);
  private Tally changedOld = new Tally(0, 0);
  private Tally changedNew = new Tally(0, 0);
  private Tally originalNew = new Tally(0, 0);

  /**
   * @param startMillis wall-clock time of the demo's start: second 0 of the timeline
   * @param changeAtFrame the first frame of the changed scene
   * @param baseVersion the model serving before any swap
   * @param truth the true class name of every frame of the clip
   */
  DemoTimeline(long startMillis, int changeAtFrame, String baseVersion, List<String> truth) {
    this.startMillis = startMillis;
    this.changeAtFrame = changeAtFrame;
    this.baseVersion = baseVersion;
    this.truth = truth;
  }

  void add(ResultTail.Line line) {
    boolean right = line.label().equals(truth.get((int) (line.frame() % truth.size())));
    long second = Math.max(0, (line.capturedMillis() - startMillis) / 1000);
    Second s = seconds.computeIfAbsent(second, k -> new Second());
    s.frames++;
    s.correct += right ? 1 : 0;
    s.latencies.add(line.latencyMillis());
    allLatencies.add(line.latencyMillis());
    boolean changed = line.frame() >= changeAtFrame;
    boolean base = line.model().equals(baseVersion);
    if (!changed && base) {
      before = before.plus(right);
    } else if (!changed) {
      originalNew = originalNew.plus(right);
    } else if (base) {
      changedOld = changedOld.plus(right);
    } else {
      changedNew = changedNew.plus(right);
    }
    if (!framesByStream.computeIfAbsent(line.stream(), k -> new TreeSet<>()).add(line.frame())) {
      repeats.merge(line.stream(), 1L, Long::sum);
    }
  }

  /** Accuracy on the original scene with the original model. */
  Tally before() {
    return before;
  }

  /** Accuracy on the changed scene before the swap. */
  Tally changedOld() {
    return changedOld;
  }

  /** Accuracy on the changed scene after the swap. */
  Tally changedNew() {
    return changedNew;
  }

  /** Frames of the original scene that a new version classified (none when the swap came later). */
  Tally originalNew() {
    return originalNew;
  }

  /** Frame indices missing between a stream's first and last result, over all streams. */
  long gaps() {
    long missing = 0;
    for (TreeSet<Long> frames : framesByStream.values()) {
      if (!frames.isEmpty()) {
        missing += frames.last() - frames.first() + 1 - frames.size();
      }
    }
    return missing;
  }

  /** Frames that came out more than once, over all streams. */
  long repeats() {
    return repeats.values().stream().mapToLong(Long::longValue).sum();
  }

  /** Results over all streams. */
  long results() {
    return allLatencies.size();
  }

  /** The {@code q} quantile of the latency of the results captured in [from, to) seconds. */
  double latencyQuantile(double q, double fromSecond, double toSecond) {
    List<Double> values = new ArrayList<>();
    for (Map.Entry<Long, Second> e : seconds.entrySet()) {
      if (e.getKey() >= Math.floor(fromSecond) && e.getKey() < Math.ceil(toSecond)) {
        values.addAll(e.getValue().latencies);
      }
    }
    return quantile(values, q);
  }

  /** The {@code q} quantile of every result's latency. */
  double latencyQuantile(double q) {
    return quantile(allLatencies, q);
  }

  /** Rolling accuracy (results of the last {@code window} seconds) at the end of each second. */
  TreeMap<Long, Double> rollingAccuracy(int window) {
    TreeMap<Long, Double> out = new TreeMap<>();
    for (long s : seconds.keySet()) {
      int frames = 0;
      int correct = 0;
      for (Second x : seconds.subMap(s - window + 1, true, s, true).values()) {
        frames += x.frames;
        correct += x.correct;
      }
      if (frames > 0) {
        out.put(s, correct / (double) frames);
      }
    }
    return out;
  }

  /** Each second's latency percentile {@code q}. */
  TreeMap<Long, Double> latencyPerSecond(double q) {
    TreeMap<Long, Double> out = new TreeMap<>();
    for (Map.Entry<Long, Second> e : seconds.entrySet()) {
      out.put(e.getKey(), quantile(e.getValue().latencies, q));
    }
    return out;
  }

  private static double quantile(List<Double> values, double q) {
    if (values.isEmpty()) {
      return Double.NaN;
    }
    double[] sorted = values.stream().mapToDouble(Double::doubleValue).toArray();
    Arrays.sort(sorted);
    int index = (int) Math.ceil(q * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
  }
}
