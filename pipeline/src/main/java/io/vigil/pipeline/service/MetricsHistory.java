package io.vigil.pipeline.service;

import io.vigil.pipeline.result.FrameResult;
import io.vigil.pipeline.result.LatencyTracker;
import io.vigil.pipeline.stream.PipelineMetrics;
import io.vigil.pipeline.stream.StreamMetrics;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * What the dashboard charts: per running stream, one sample per interval (a second in service) of
 * the last {@code keep} (ten minutes), each holding
 *
 * <ul>
 *   <li>frames in, out and dropped per second: the differences of the pipeline's counters ({@link
 *       PipelineMetrics}) between two samples, divided by the time between them;
 *   <li>latency p50 and p99 (ms) of the results written during the interval (null when none);
 *   <li>accuracy: top-1 hits ÷ labeled results over the last {@code accuracyWindow}, for streams
 *       with true labels ({@link FrameTruth}); null where no labeled result fell in the window.
 * </ul>
 *
 * Results arrive through {@link #onResult} (a result tap, on the writer's thread: a map lookup and
 * a few increments); {@link #sample()} runs on a scheduler and {@link #since} on HTTP threads.
 */
public final class MetricsHistory implements AutoCloseable {

  private static final org.slf4j.Logger log =
      org.slf4j.LoggerFactory.getLogger(MetricsHistory.class);

  /** The service's sampling interval. */
  public static final Duration INTERVAL = Duration.ofSeconds(1);

  /** How long the service keeps samples. */
  public static final Duration KEEP = Duration.ofMinutes(10);

  /** The window the service's accuracy is taken over. */
  public static final Duration ACCURACY_WINDOW = Duration.ofSeconds(30);

  /**
   * One sample of one stream; rates per second, latencies in milliseconds, accuracy in [0, 1]; null
   * where there was nothing to measure.
   */
  public record Sample(
      long atMillis,
      double framesInPerSecond,
      double framesOutPerSecond,
      double droppedPerSecond,
      Double latencyP50,
      Double latencyP99,
      Double accuracy) {}

  /** What the results of one stream add up to during one interval. */
  private static final class Interval {
    final LatencyTracker latency = new LatencyTracker();
    int labeled;
    int hits;
    boolean closed;
  }

  /** One stream's samples and what the next sample needs. */
  private static final class Series {
    final ArrayDeque<Sample> samples = new ArrayDeque<>();
    final ArrayDeque<int[]> accuracy = new ArrayDeque<>();
    StreamMetrics last;
  }

  private final Supplier<PipelineMetrics> metrics;
  private final Supplier<Set<String>> running;
  private final FrameTruth truth;
  private final int keepSamples;
  private final int accuracySamples;
  private final long intervalMillis;
  private final Map<String, Interval> current = new ConcurrentHashMap<>();
  private final Map<String, Series> series = new LinkedHashMap<>();
  private long lastAtMillis = -1;
  private volatile Cancellable timer;

  /**
   * A history that samples when {@link #sample()} is called.
   *
   * @param metrics the pipeline's counters now
   * @param running the ids of the streams running now (only they are sampled)
   * @param truth the true labels of labeled streams
   * @param interval the time between samples, which sets how many are kept
   */
  MetricsHistory(
      Supplier<PipelineMetrics> metrics,
      Supplier<Set<String>> running,
      FrameTruth truth,
      Duration interval,
      Duration keep,
      Duration accuracyWindow) {
    if (interval.isNegative() || interval.isZero() || keep.compareTo(interval) < 0) {
      throw new IllegalArgumentException(
          "metrics history: the interval must be positive and at most the time kept, got "
              + interval
              + " and "
              + keep);
    }
    this.metrics = metrics;
    this.running = running;
    this.truth = truth;
    this.intervalMillis = interval.toMillis();
    this.keepSamples = (int) (keep.toMillis() / intervalMillis);
    this.accuracySamples = (int) Math.max(1, accuracyWindow.toMillis() / intervalMillis);
  }

  /**
   * The service's history: samples {@code metrics} every {@link #INTERVAL} on {@code system}'s
   * scheduler until {@link #close()}. Pass {@link #onResult} to the pipeline's result tap.
   *
   * @param labels true labels of the labeled streams, by stream id
   * @param classNames the model's classes, naming a sidecar's label indices
   * @param fileLabels a file stream's labels from its file's sidecar (streams without {@code
   *     labels})
   */
  public static MetricsHistory start(
      ActorSystem<?> system,
      Supplier<PipelineMetrics> metrics,
      Supplier<Set<String>> running,
      Map<String, io.vigil.pipeline.realtime.StreamLabels> labels,
      List<String> classNames,
      java.util.function.Function<String, java.util.Optional<io.vigil.pipeline.realtime.FileLabels>>
          fileLabels) {
    MetricsHistory h =
        new MetricsHistory(
            metrics,
            running,
            new FrameTruth(labels, classNames, fileLabels),
            INTERVAL,
            KEEP,
            ACCURACY_WINDOW);
    h.timer =
        system
            .scheduler()
            .scheduleAtFixedRate(INTERVAL, INTERVAL, h::sampleLogged, system.executionContext());
    return h;
  }

  /** Counts one result: its latency, and a hit or miss where its stream has labels. */
  public void onResult(FrameResult r) {
    String expected =
        truth.labeled(r.stream()) ? truth.classOf(r.stream(), r.frame(), r.ptsMicros()) : null;
    boolean hit = expected != null && !r.top().isEmpty() && expected.equals(r.top().get(0).label());
    while (true) {
      Interval i = current.computeIfAbsent(r.stream(), s -> new Interval());
      synchronized (i) {
        // The sampler closed this interval between the lookup and the lock: count into the next.
        if (i.closed) {
          continue;
        }
        i.latency.record(r.latencyMillis());
        if (expected != null) {
          i.labeled++;
          i.hits += hit ? 1 : 0;
        }
        return;
      }
    }
  }

  /** Takes one sample of every running stream. */
  synchronized void sample() {
    truth.refresh();
    PipelineMetrics now = metrics.get();
    long at = now.at().toEpochMilli();
    // A tick late and the next on its heels (a fixed-rate scheduler catching up) would divide a
    // few frames by a few milliseconds: such a tick is skipped, the next one covers its time.
    if (lastAtMillis >= 0 && at - lastAtMillis < intervalMillis / 2) {
      return;
    }
    double seconds = lastAtMillis < 0 ? 0 : (at - lastAtMillis) / 1000.0;
    lastAtMillis = at;
    Set<String> live = running.get();
    for (StreamMetrics m : now.streams()) {
      if (!live.contains(m.stream())) {
        continue;
      }
      Series s = series.computeIfAbsent(m.stream(), id -> new Series());
      Interval done = takeInterval(m.stream());
      s.accuracy.addLast(new int[] {done.hits, done.labeled});
      while (s.accuracy.size() > accuracySamples) {
        s.accuracy.removeFirst();
      }
      if (s.last != null && seconds > 0) {
        s.samples.addLast(
            new Sample(
                at,
                (m.framesIn() - s.last.framesIn()) / seconds,
                (m.framesOut() - s.last.framesOut()) / seconds,
                (m.dropped() - s.last.dropped()) / seconds,
                done.latency.count() == 0 ? null : done.latency.percentile(0.50),
                done.latency.count() == 0 ? null : done.latency.percentile(0.99),
                accuracy(s.accuracy)));
        while (s.samples.size() > keepSamples) {
          s.samples.removeFirst();
        }
      }
      s.last = m;
    }
    // A stream gone for longer than the history keeps has nothing left to show.
    series.entrySet().removeIf(e -> !live.contains(e.getKey()) && aged(e.getValue(), at));
  }

  /**
   * The samples taken after {@code sinceMillis} (epoch milliseconds; 0 for all), as the dashboard
   * reads them: {@code {"intervalMillis":1000,"streams":[{"id","labeled","samples":[...]}]}}.
   */
  public synchronized Map<String, Object> since(long sinceMillis) {
    List<Map<String, Object>> streams = new ArrayList<>();
    series.forEach(
        (id, s) -> {
          List<Sample> newer = new ArrayList<>();
          for (Sample x : s.samples) {
            if (x.atMillis() > sinceMillis) {
              newer.add(x);
            }
          }
          Map<String, Object> entry = new LinkedHashMap<>();
          entry.put("id", id);
          entry.put("labeled", truth.labeled(id));
          entry.put("samples", newer);
          streams.add(entry);
        });
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("intervalMillis", intervalMillis);
    out.put("streams", streams);
    return out;
  }

  /** Stops sampling. */
  @Override
  public void close() {
    Cancellable t = timer;
    if (t != null) {
      t.cancel();
    }
  }

  private void sampleLogged() {
    try {
      sample();
    } catch (RuntimeException e) {
      // The next tick tries again; the dashboard shows a gap, the pipeline is not touched.
      log.warn("the dashboard's metrics sample failed: {}", e.toString());
    }
  }

  private Interval takeInterval(String stream) {
    Interval done = current.put(stream, new Interval());
    if (done == null) {
      return new Interval();
    }
    synchronized (done) {
      done.closed = true;
      return done;
    }
  }

  private static Double accuracy(ArrayDeque<int[]> window) {
    long hits = 0;
    long labeled = 0;
    for (int[] w : window) {
      hits += w[0];
      labeled += w[1];
    }
    return labeled == 0 ? null : (double) hits / labeled;
  }

  private boolean aged(Series s, long now) {
    Sample last = s.samples.peekLast();
    return last == null || now - last.atMillis() > keepSamples * intervalMillis;
  }

  /** For tests: the samples of one stream, oldest first. */
  synchronized List<Sample> samples(String stream) {
    Series s = series.get(stream);
    return s == null ? List.of() : List.copyOf(s.samples);
  }
}
