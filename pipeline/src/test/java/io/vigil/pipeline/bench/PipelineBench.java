package io.vigil.pipeline.bench;

import com.typesafe.config.ConfigFactory;
import io.vigil.engine.model.InputContract;
import io.vigil.engine.model.Model;
import io.vigil.engine.model.ModelFile;
import io.vigil.pipeline.analyze.AnalyzeSettings;
import io.vigil.pipeline.analyze.BatchAnalyzeJob;
import io.vigil.pipeline.analyze.BatchListener;
import io.vigil.pipeline.analyze.BatchRunReport;
import io.vigil.pipeline.analyze.BatchSettings;
import io.vigil.pipeline.frame.FrameClassifier;
import io.vigil.pipeline.frame.StreamItem;
import io.vigil.pipeline.realtime.DropPolicy;
import io.vigil.pipeline.realtime.RealtimePipeline;
import io.vigil.pipeline.realtime.RealtimeSettings;
import io.vigil.pipeline.realtime.SourceSpec;
import io.vigil.pipeline.result.FrameResult;
import io.vigil.pipeline.result.LabelScore;
import io.vigil.pipeline.stream.EngineClassifier;
import io.vigil.pipeline.stream.PipelineMetrics;
import io.vigil.pipeline.stream.StreamMetrics;
import io.vigil.pipeline.video.DecodedFrame;
import io.vigil.pipeline.video.FramePreprocessor;
import io.vigil.pipeline.video.SampleVideos;
import io.vigil.pipeline.video.VideoDecoder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * The pipeline's benchmark (not a test): on one machine, in one run, decode-only, inference-only
 * and whole-pipeline frames/s for 1, 4 and 16 copies of vtest.avi, then real-time runs of 16
 * streams paced at 30 fps with LeNet-5 and with an AlexNet-class model, then a real-time overload
 * of an engine of known cost whose latency is printed beside its bound. Prints its figures.
 *
 * <p>Run with {@code bench/pipeline/run.sh} (arguments: {@code [seconds-per-realtime-run]}), {@code
 * bench/pipeline/run.sh overload [seconds]} for the overload run alone, or {@code
 * bench/pipeline/run.sh soak [seconds]} for the soak run: 16 looping streams with annotated video
 * on two of them, printing the heap after GC and the process's resident memory every 10 s, which
 * must not grow.
 */
public final class PipelineBench {

  private static final Path VTEST = Path.of("/usr/share/doc/opencv-doc/examples/data/vtest.avi");
  private static final Path MODEL = Path.of("models/lenet5-fashion.vgl");

  private PipelineBench() {}

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("soak")) {
      soak(args.length > 1 ? Integer.parseInt(args[1]) : 120);
      return;
    }
    if (args.length > 0 && args[0].equals("overload")) {
      ActorSystem<Void> system =
          ActorSystem.create(Behaviors.empty(), "bench", ConfigFactory.load());
      try {
        overload(system, args.length > 1 ? Integer.parseInt(args[1]) : 20);
      } finally {
        system.terminate();
      }
      return;
    }
    int realtimeSeconds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
    int cores = Runtime.getRuntime().availableProcessors();
    Model lenet = ModelFile.load(MODEL);
    Path work = Files.createTempDirectory("vigil-bench");
    System.out.printf(
        "vigil pipeline bench: %d cores, %s, Java %s, model %s%n",
        cores, System.getProperty("os.arch"), System.getProperty("java.version"), lenet.version());

    try (VideoDecoder warmUp = VideoDecoder.open(VTEST)) {
      warmUp.next(); // loads FFmpeg's and OpenCV's natives before anything is timed
    }
    double decode1 = decodeOnly(lenet.input(), 1);
    double decodeN = decodeOnly(lenet.input(), cores);
    System.out.printf(
        Locale.ROOT,
        "decode-only (decode + convert to 28x28 gray), vtest.avi: 1 stream %.0f frames/s;"
            + " %d streams at once %.0f frames/s%n",
        decode1,
        cores,
        decodeN);
    double infer = inferenceOnly(lenet, 32, 5);
    System.out.printf(
        Locale.ROOT,
        "inference-only, LeNet-5, batch 32, one engine thread: %.0f frames/s%n",
        infer);
    double slower = Math.min(decodeN, infer);

    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "bench", ConfigFactory.load());
    try {
      for (int streams : new int[] {1, 4, 16}) {
        double fps = offline(system, lenet, work, streams, cores);
        System.out.printf(
            Locale.ROOT,
            "offline pipeline, %2d x vtest.avi (%d frames), %d files at once: %.0f frames/s"
                + " (%.0f%% of the slower stage alone)%n",
            streams,
            streams * 795,
            Math.min(streams, cores),
            fps,
            100 * fps / slower);
      }
      realtime(system, lenet, 16, 30, realtimeSeconds, 64, 32, "LeNet-5");
      Model alexnet = BenchModels.alexNetClass();
      System.out.printf(
          Locale.ROOT,
          "inference-only, AlexNet-class (3x227x227), batch 8: %.1f frames/s%n",
          inferenceOnly(alexnet, 8, 5));
      realtime(system, alexnet, 16, 30, realtimeSeconds, 16, 8, "AlexNet-class");
      overload(system, realtimeSeconds);
    } finally {
      system.terminate();
    }
  }

  /**
   * Decodes and converts vtest.avi over and over on {@code threads} threads at once for about five
   * seconds; total frames/s.
   */
  private static double decodeOnly(InputContract contract, int threads) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    long start = System.nanoTime();
    long end = start + 5_000_000_000L;
    List<Future<Long>> counts = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      counts.add(
          pool.submit(
              () -> {
                long n = 0;
                float[] pixels = new float[contract.size()];
                while (System.nanoTime() < end) {
                  try (VideoDecoder decoder = VideoDecoder.open(VTEST);
                      FramePreprocessor pre = new FramePreprocessor(contract)) {
                    for (DecodedFrame f = decoder.next(); f != null; f = decoder.next()) {
                      pre.toTensor(f.frame(), pixels, 0);
                      n++;
                    }
                  }
                }
                return n;
              }));
    }
    long frames = 0;
    for (Future<Long> c : counts) {
      frames += c.get();
    }
    pool.shutdown();
    return frames / ((System.nanoTime() - start) / 1e9);
  }

  /** The engine alone on random inputs for {@code seconds}; frames/s. */
  private static double inferenceOnly(Model model, int batch, int seconds) {
    try (EngineClassifier classifier = new EngineClassifier(model, batch, 3)) {
      Random random = new Random(1);
      List<StreamItem.Frame> frames = new ArrayList<>();
      for (int i = 0; i < batch; i++) {
        float[] pixels = new float[model.input().size()];
        for (int p = 0; p < pixels.length; p++) {
          pixels[p] = (float) random.nextGaussian();
        }
        frames.add(new StreamItem.Frame("bench", i, 0, System.nanoTime(), 0, pixels));
      }
      classifier.classify(frames); // warm-up
      long start = System.nanoTime();
      long end = start + seconds * 1_000_000_000L;
      long n = 0;
      while (System.nanoTime() < end) {
        classifier.classify(frames);
        n += batch;
      }
      return n / ((System.nanoTime() - start) / 1e9);
    }
  }

  private static double offline(
      ActorSystem<Void> system, Model model, Path work, int streams, int cores) throws Exception {
    Path in = Files.createDirectories(work.resolve("in-" + streams));
    List<Path> videos = new ArrayList<>();
    for (int i = 0; i < streams; i++) {
      videos.add(Files.createSymbolicLink(in.resolve("vtest-" + i + ".avi"), VTEST));
    }
    AnalyzeSettings settings = AnalyzeSettings.from(ConfigFactory.load());
    BatchRunReport report =
        new BatchAnalyzeJob(system, settings, new BatchSettings(cores, 10))
            .start(
                videos,
                new EngineClassifier(model, settings.maxBatch(), settings.topK()),
                model.input(),
                work.resolve("out-" + streams),
                BatchListener.NONE)
            .report()
            .toCompletableFuture()
            .get();
    if (report.frames() != streams * 795L) {
      throw new IllegalStateException("expected " + streams * 795 + " frames: " + report);
    }
    return report.framesPerSecond();
  }

  private static void realtime(
      ActorSystem<Void> system,
      Model model,
      int streams,
      double fps,
      int seconds,
      int buffer,
      int batch,
      String name)
      throws Exception {
    RealtimeSettings settings =
        RealtimeSettings.from(ConfigFactory.load())
            .withBuffer(buffer, DropPolicy.DROP_OLDEST)
            .withBatch(batch, Duration.ofMillis(10));
    Path out = Files.createTempDirectory("vigil-bench-rt");
    RealtimePipeline pipeline =
        RealtimePipeline.start(
            system, settings, new EngineClassifier(model, batch, 3), model.input(), out);
    for (int s = 0; s < streams; s++) {
      pipeline.add(SourceSpec.file("cam" + s, VTEST, fps, true));
    }
    Thread.sleep(seconds * 1000L);
    PipelineMetrics m = pipeline.stop(Duration.ofSeconds(10));
    System.out.printf(
        Locale.ROOT,
        "real-time, %s, %d streams x %.0f fps for %d s, buffer %d, batch %d: %d frames in,"
            + " %d out, %d dropped (%.1f%%), in = out + dropped: %s; latency p50 %.1f ms,"
            + " p95 %.1f ms, p99 %.1f ms; mean batch %.1f%n",
        name,
        streams,
        fps,
        seconds,
        buffer,
        batch,
        m.framesIn(),
        m.framesOut(),
        m.dropped(),
        100.0 * m.dropped() / Math.max(1, m.framesIn()),
        m.framesIn() == m.framesOut() + m.dropped(),
        m.latency().p50(),
        m.latency().p95(),
        m.latency().p99(),
        m.meanBatchSize());
  }

  /**
   * The latency bound that the real-time tests check in frames, timed: 4 looping streams of
   * tree.avi at 50 fps (200 frames/s) offered to an engine that takes 40 ms per batch of 4 (100
   * frames/s), buffer 8, drop-oldest, one frame shed at the source per drop. A frame waits at most
   * about (buffer / batch + 1) batch times plus the batcher's wait, 125 ms here, however long the
   * overload lasts; the line gives each stream's p99 beside that bound.
   */
  private static void overload(ActorSystem<Void> system, int seconds) throws Exception {
    int buffer = 8;
    int batch = 4;
    long batchMillis = 40;
    Duration wait = Duration.ofMillis(5);
    RealtimeSettings settings =
        RealtimeSettings.from(ConfigFactory.load())
            .withBuffer(buffer, DropPolicy.DROP_OLDEST)
            .withBatch(batch, wait)
            .withShedPerDrop(1);
    Path out = Files.createTempDirectory("vigil-bench-overload");
    RealtimePipeline pipeline =
        RealtimePipeline.start(
            system,
            settings,
            new FixedCostClassifier(batchMillis),
            new InputContract(1, 28, 28, 0.5f, 0.5f),
            out);
    for (int s = 0; s < 4; s++) {
      pipeline.add(SourceSpec.file("cam" + s, SampleVideos.file("tree.avi"), 50, true));
    }
    Thread.sleep(seconds * 1000L);
    PipelineMetrics m = pipeline.stop(Duration.ofSeconds(10));
    double bound = (buffer / batch + 1) * batchMillis + wait.toMillis();
    double worst = m.streams().stream().mapToDouble(s -> s.latency().p99()).max().orElse(0);
    long unconverted = m.streams().stream().mapToLong(StreamMetrics::droppedUnconverted).sum();
    System.out.printf(
        Locale.ROOT,
        "real-time overload, engine %d ms per batch of %d, 4 streams x 50 fps for %d s, buffer %d,"
            + " shed 1 per drop: %d frames in, %d out, %d dropped (%d before conversion), in = out"
            + " + dropped: %s; latency p50 %.1f ms, p99 %.1f ms; worst stream's p99 %.1f ms,"
            + " bound (buffer / batch + 1) batch times + wait %.0f ms%n",
        batchMillis,
        batch,
        seconds,
        buffer,
        m.framesIn(),
        m.framesOut(),
        m.dropped(),
        unconverted,
        m.framesIn() == m.framesOut() + m.dropped(),
        m.latency().p50(),
        m.latency().p99(),
        worst,
        bound);
  }

  /** An engine that takes a fixed time per batch and answers class 0: a known cost. */
  private static final class FixedCostClassifier implements FrameClassifier {

    private final long millis;

    FixedCostClassifier(long millis) {
      this.millis = millis;
    }

    @Override
    public List<FrameResult> classify(List<StreamItem.Frame> frames) {
      try {
        Thread.sleep(millis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
      long now = System.nanoTime();
      List<FrameResult> results = new ArrayList<>(frames.size());
      for (StreamItem.Frame f : frames) {
        results.add(
            new FrameResult(
                f.stream(),
                f.index(),
                f.ptsMicros(),
                modelVersion(),
                List.of(new LabelScore(0, "zero", 1f)),
                (now - f.capturedAtNanos()) / 1e6,
                f.capturedAtMillis()));
      }
      return results;
    }

    @Override
    public String modelVersion() {
      return "fixed-" + millis + "ms";
    }

    @Override
    public List<String> classNames() {
      return List.of("zero", "one");
    }

    @Override
    public void close() {}
  }

  /** 16 looping real-time streams for {@code seconds}, printing heap and resident memory. */
  private static void soak(int seconds) throws Exception {
    Model lenet = ModelFile.load(MODEL);
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "soak", ConfigFactory.load());
    Path out = Files.createTempDirectory("vigil-soak");
    RealtimeSettings settings =
        RealtimeSettings.from(ConfigFactory.load()).withBatch(32, Duration.ofMillis(10));
    RealtimePipeline pipeline =
        RealtimePipeline.start(
            system, settings, new EngineClassifier(lenet, 32, 3), lenet.input(), out);
    for (int s = 0; s < 16; s++) {
      SourceSpec spec = SourceSpec.file("cam" + s, VTEST, 30, true);
      pipeline.add(s < 2 ? spec.withAnnotation(out.resolve("cam" + s + ".mp4")) : spec);
    }
    System.out.println("soak: 16 streams x 30 fps (2 annotated), " + seconds + " s");
    long start = System.nanoTime();
    List<double[]> samples = new ArrayList<>();
    for (int t = 10; t <= seconds; t += 10) {
      Thread.sleep(Math.max(0, (start + t * 1_000_000_000L - System.nanoTime()) / 1_000_000));
      System.gc();
      Runtime rt = Runtime.getRuntime();
      PipelineMetrics m = pipeline.metrics();
      double heap = (rt.totalMemory() - rt.freeMemory()) / 1048576.0;
      double committed = rt.totalMemory() / 1048576.0;
      double resident = residentMiB();
      samples.add(new double[] {t, heap, resident, committed});
      System.out.printf(
          Locale.ROOT,
          "t=%4d s  heap after GC %6.1f MiB (committed %6.1f)  resident %7.1f MiB  frames out %8d"
              + "  dropped %6d  p99 %.1f ms%n",
          t,
          heap,
          committed,
          resident,
          m.framesOut(),
          m.dropped(),
          m.latency().p99());
    }
    // The first tenth is warm-up (code compiled, pools and caches filled); the rest must be flat.
    List<double[]> steady = samples.subList(samples.size() / 10, samples.size());
    System.out.printf(
        Locale.ROOT,
        "slope from t=%.0f s on (least squares): heap %+.2f MiB/h, resident %+.2f MiB/h"
            + " (committed heap %+.2f MiB/h)%n",
        steady.isEmpty() ? 0.0 : steady.get(0)[0],
        slopePerHour(steady, 1),
        slopePerHour(steady, 2),
        slopePerHour(steady, 3));
    System.out.print(pipeline.stop(Duration.ofSeconds(10)).describe());
    system.terminate();
  }

  /** The least-squares slope of column {@code y} against column 0 (seconds), per hour. */
  private static double slopePerHour(List<double[]> samples, int y) {
    int n = samples.size();
    if (n < 2) {
      return Double.NaN;
    }
    double meanT = samples.stream().mapToDouble(r -> r[0]).average().orElse(0);
    double meanY = samples.stream().mapToDouble(r -> r[y]).average().orElse(0);
    double cov = 0;
    double var = 0;
    for (double[] r : samples) {
      cov += (r[0] - meanT) * (r[y] - meanY);
      var += (r[0] - meanT) * (r[0] - meanT);
    }
    return cov / var * 3600;
  }

  private static double residentMiB() throws java.io.IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
      }
    }
    return Double.NaN;
  }
}
