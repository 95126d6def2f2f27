package io.vigil.pipeline.bench;

import com.typesafe.config.ConfigFactory;
import io.vigil.engine.backend.Backend;
import io.vigil.engine.layer.Parameter;
import io.vigil.engine.model.Model;
import io.vigil.engine.model.ModelFile;
import io.vigil.engine.tensor.Tensor;
import io.vigil.pipeline.frame.FrameClassifier;
import io.vigil.pipeline.frame.StreamItem;
import io.vigil.pipeline.realtime.DropPolicy;
import io.vigil.pipeline.realtime.RealtimePipeline;
import io.vigil.pipeline.realtime.RealtimeSettings;
import io.vigil.pipeline.realtime.SourceSpec;
import io.vigil.pipeline.result.FrameResult;
import io.vigil.pipeline.stream.EngineClassifier;
import io.vigil.pipeline.stream.PipelineMetrics;
import io.vigil.pipeline.stream.SwapReport;
import io.vigil.pipeline.video.VideoDecoder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * The swap soak (not a test): 16 real-time streams of the looped sample clip at 30 fps while two
 * versions of the shipped model (the file's, and one with a single bias moved by 1e-4) take turns,
 * swapped in N times (default 1000) with a pause between swaps. Prints the time from the swap call
 * to the first result of the new version (p50/p95/max) and the load time (build + trial batch); the
 * engine time per batch without swaps (a 5 s baseline) and, during the soak, for the trial batch,
 * the first batch on a new model, the four after it, and later ones; every 100 swaps the heap after
 * GC and the resident memory (VmRSS), with the least-squares slope per 1000 swaps of heap, resident
 * memory and mean batch time, which must stay flat; and the classifiers built, closed and left
 * open.
 *
 * <p>Run with {@code bench/pipeline/swap-soak.sh [SWAPS] [PAUSE_MS]} from the repository root.
 */
public final class SwapSoakBench {

  private static final Path CLIP = Path.of("samples/fashion-clip.mp4");
  private static final Path MODEL = Path.of("models/lenet5-fashion.vgl");
  private static final int STREAMS = 16;
  private static final int BATCH = 32;
  private static final int SAMPLE_EVERY = 100;

  private SwapSoakBench() {}

  public static void main(String[] args) throws Exception {
    int swaps = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
    long pauseMillis = args.length > 1 ? Long.parseLong(args[1]) : 50;
    Model a = ModelFile.load(MODEL);
    Model b = nudged(ModelFile.load(MODEL));
    System.out.printf(
        Locale.ROOT,
        "swap soak: %d streams x 30 fps of %s, batch %d, %d swaps %s <-> %s, %d ms apart, %d cores%n",
        STREAMS,
        CLIP.getFileName(),
        BATCH,
        swaps,
        a.version(),
        b.version(),
        pauseMillis,
        Runtime.getRuntime().availableProcessors());
    try (VideoDecoder warmUp = VideoDecoder.open(CLIP)) {
      warmUp.next(); // loads FFmpeg's and OpenCV's natives before anything is timed
    }

    Batches batches = new Batches();
    ActorSystem<Void> system =
        ActorSystem.create(Behaviors.empty(), "swap-soak", ConfigFactory.load());
    Path out = Files.createTempDirectory("vigil-swap-soak");
    RealtimeSettings settings =
        RealtimeSettings.from(ConfigFactory.load())
            .withBuffer(64, DropPolicy.DROP_OLDEST)
            .withBatch(BATCH, Duration.ofMillis(10));
    RealtimePipeline pipeline =
        RealtimePipeline.start(
            system,
            settings,
            batches.timed(new EngineClassifier(a, BATCH, 3), false),
            m -> batches.timed(new EngineClassifier(m, BATCH, 3), true),
            a.input(),
            out);
    for (int s = 0; s < STREAMS; s++) {
      pipeline.add(SourceSpec.file("cam" + s, CLIP, 30, true));
    }
    // Every stream flowing and the JIT warm, then a baseline without swaps.
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (pipeline.metrics().streams().stream().anyMatch(s -> s.framesOut() == 0)) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("streams not flowing: " + pipeline.metrics().describe());
      }
      Thread.sleep(100);
    }
    Thread.sleep(3000);
    batches.reset();
    PipelineMetrics before = pipeline.metrics();
    Thread.sleep(5000);
    PipelineMetrics warm = pipeline.metrics();
    System.out.printf(
        Locale.ROOT,
        "baseline, 5 s without swaps: %d frames out, %d dropped; engine time per batch %s%n",
        warm.framesOut() - before.framesOut(),
        warm.dropped() - before.dropped(),
        batches.describeAll());

    double[] toFirst = new double[swaps];
    double[] load = new double[swaps];
    List<double[]> samples = new ArrayList<>();
    samples.add(sample(0, batches.windowMean(), warm));
    batches.reset();
    System.out.println(
        "   swaps  heap after GC  resident  mean batch  swap->first p50  frames out  dropped");
    print(samples.get(0), Double.NaN);
    int windowStart = 0;
    for (int i = 0; i < swaps; i++) {
      Model next = i % 2 == 0 ? b : a;
      SwapReport r = pipeline.swap(next).toCompletableFuture().get(60, TimeUnit.SECONDS);
      if (!r.toVersion().equals(next.version())) {
        throw new IllegalStateException("swap " + i + " reported " + r);
      }
      toFirst[i] = r.toFirstResultMillis();
      load[i] = r.loadMillis();
      Thread.sleep(pauseMillis);
      if ((i + 1) % SAMPLE_EVERY == 0 || i + 1 == swaps) {
        double[] row = sample(i + 1, batches.windowMean(), pipeline.metrics());
        samples.add(row);
        print(row, percentile(Arrays.copyOfRange(toFirst, windowStart, i + 1), 50));
        windowStart = i + 1;
      }
    }
    PipelineMetrics end = pipeline.stop(Duration.ofSeconds(10));
    system.terminate();

    System.out.printf(
        Locale.ROOT,
        "swap -> first result of the new version: p50 %.1f ms, p95 %.1f ms, max %.1f ms"
            + " (of which load = build + trial batch of %d: p50 %.1f ms, max %.1f ms)%n",
        percentile(toFirst, 50),
        percentile(toFirst, 95),
        percentile(toFirst, 100),
        BATCH,
        percentile(load, 50),
        percentile(load, 100));
    System.out.println("engine time per batch around swaps:\n  " + batches.describe());
    System.out.printf(
        Locale.ROOT,
        "slope per 1000 swaps: heap %+.2f MiB, resident %+.2f MiB, mean batch %+.3f ms%n",
        1000 * slope(samples, 1),
        1000 * slope(samples, 2),
        1000 * slope(samples, 3));
    System.out.printf(
        Locale.ROOT,
        "classifiers: %d built, %d closed, %d open after stop%n",
        batches.opened.get(),
        batches.closed.get(),
        batches.opened.get() - batches.closed.get());
    System.out.print(end.describe());
  }

  /** The same model with one bias moved by 1e-4: another version, the same answers. */
  private static Model nudged(Model m) {
    List<Parameter> params = m.network().parameters();
    Tensor bias = params.get(params.size() - 1).value();
    Backend backend = bias.owner();
    float[] values = new float[bias.size()];
    backend.download(bias, 0, values, 0, values.length);
    values[0] += 1e-4f;
    backend.upload(values, 0, bias, 0, values.length);
    return Model.create(m.name(), m.network(), m.input(), m.classNames(), m.provenance());
  }

  /** {swaps, heap MiB after GC, resident MiB, mean batch ms, frames out, dropped}. */
  private static double[] sample(int swaps, double meanBatch, PipelineMetrics m)
      throws java.io.IOException {
    System.gc();
    Runtime rt = Runtime.getRuntime();
    return new double[] {
      swaps,
      (rt.totalMemory() - rt.freeMemory()) / 1048576.0,
      residentMiB(),
      meanBatch,
      m.framesOut(),
      m.dropped()
    };
  }

  private static void print(double[] row, double toFirstP50) {
    System.out.printf(
        Locale.ROOT,
        "%8d  %9.1f MiB  %6.1f MiB  %7.2f ms  %12.1f ms  %10d  %7d%n",
        (long) row[0],
        row[1],
        row[2],
        row[3],
        toFirstP50,
        (long) row[4],
        (long) row[5]);
  }

  private static double residentMiB() throws java.io.IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
      }
    }
    return Double.NaN;
  }

  /** Least-squares slope of column {@code y} against column 0 (swaps). */
  private static double slope(List<double[]> rows, int y) {
    double n = rows.size();
    double sx = 0;
    double sy = 0;
    double sxx = 0;
    double sxy = 0;
    for (double[] r : rows) {
      sx += r[0];
      sy += r[y];
      sxx += r[0] * r[0];
      sxy += r[0] * r[y];
    }
    double d = n * sxx - sx * sx;
    return d == 0 ? Double.NaN : (n * sxy - sx * sy) / d;
  }

  private static double percentile(double[] values, double p) {
    if (values.length == 0) {
      return Double.NaN;
    }
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int i = (int) Math.ceil(p / 100 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
  }

  /**
   * Times every batch, by its place after a swap: the trial batch of a classifier swapped in (on
   * the loader thread), its first batch on the engine, the four after that, and the rest; counts
   * the classifiers opened and closed.
   */
  private static final class Batches {
    final AtomicLong opened = new AtomicLong();
    final AtomicLong closed = new AtomicLong();
    private final List<Double> trial = new ArrayList<>();
    private final List<Double> first = new ArrayList<>();
    private final List<Double> next = new ArrayList<>();
    private final List<Double> steady = new ArrayList<>();
    private double windowSum;
    private long windowCount;

    /**
     * @param swappedIn whether its first batch is a trial batch
     */
    FrameClassifier timed(FrameClassifier engine, boolean swappedIn) {
      opened.incrementAndGet();
      return new FrameClassifier() {
        private int batch = swappedIn ? 0 : 1;

        @Override
        public List<FrameResult> classify(List<StreamItem.Frame> frames) {
          long t0 = System.nanoTime();
          List<FrameResult> results = engine.classify(frames);
          record(batch++, (System.nanoTime() - t0) / 1e6);
          return results;
        }

        @Override
        public Supplier<List<FrameResult>> start(List<StreamItem.Frame> frames) {
          long t0 = System.nanoTime();
          Supplier<List<FrameResult>> results = engine.start(frames);
          return () -> {
            List<FrameResult> r = results.get();
            record(batch++, (System.nanoTime() - t0) / 1e6);
            return r;
          };
        }

        @Override
        public int maxInFlight() {
          return engine.maxInFlight();
        }

        @Override
        public String modelVersion() {
          return engine.modelVersion();
        }

        @Override
        public List<String> classNames() {
          return engine.classNames();
        }

        @Override
        public void close() {
          closed.incrementAndGet();
          engine.close();
        }
      };
    }

    /** Batch {@code n} of a classifier (0: the trial batch of one swapped in) took {@code ms}. */
    private synchronized void record(int n, double ms) {
      if (n == 0) {
        trial.add(ms);
        return;
      }
      (n == 1 ? first : n <= 5 ? next : steady).add(ms);
      windowSum += ms;
      windowCount++;
    }

    synchronized void reset() {
      trial.clear();
      first.clear();
      next.clear();
      steady.clear();
      windowSum = 0;
      windowCount = 0;
    }

    /** The mean batch time since the last call. */
    synchronized double windowMean() {
      double mean = windowCount == 0 ? Double.NaN : windowSum / windowCount;
      windowSum = 0;
      windowCount = 0;
      return mean;
    }

    /** Every batch since the last reset, whatever its place. */
    synchronized String describeAll() {
      List<Double> all = new ArrayList<>(first);
      all.addAll(next);
      all.addAll(steady);
      return stats(all);
    }

    synchronized String describe() {
      return String.format(
          Locale.ROOT,
          "trial batch of a new model %s;%n  its first batch %s;%n  its next four %s;%n  all"
              + " later ones %s",
          stats(trial),
          stats(first),
          stats(next),
          stats(steady));
    }

    private static String stats(List<Double> ms) {
      double[] v = ms.stream().mapToDouble(Double::doubleValue).toArray();
      return String.format(
          Locale.ROOT,
          "p50 %.2f ms, p95 %.2f ms, max %.2f ms (%d batches)",
          percentile(v, 50),
          percentile(v, 95),
          percentile(v, 100),
          v.length);
    }
  }
}
