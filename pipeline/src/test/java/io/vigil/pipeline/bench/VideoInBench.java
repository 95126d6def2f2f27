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
import io.vigil.pipeline.frame.StreamItem;
import io.vigil.pipeline.realtime.DropPolicy;
import io.vigil.pipeline.realtime.RealtimePipeline;
import io.vigil.pipeline.realtime.RealtimeSettings;
import io.vigil.pipeline.realtime.SourceSpec;
import io.vigil.pipeline.stream.EngineClassifier;
import io.vigil.pipeline.stream.PipelineMetrics;
import io.vigil.pipeline.stream.StreamMetrics;
import io.vigil.pipeline.video.DecodedFrame;
import io.vigil.pipeline.video.FramePreprocessor;
import io.vigil.pipeline.video.FrameScaler;
import io.vigil.pipeline.video.PictureFormat;
import io.vigil.pipeline.video.Preprocessing;
import io.vigil.pipeline.video.VideoDecoder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.bytedeco.javacpp.Loader;

/**
 * Video in at FFmpeg's speed (not a test): vigil's decoding and preprocessing against the FFmpeg
 * command line doing the same work, side by side in one run. The command line is the {@code ffmpeg}
 * binary of the FFmpeg build vigil decodes with (JavaCPP's, the same libraries), so the two differ
 * only in what each does around the decoder. Prints its figures.
 *
 * <p>Rows: one stream decoded and scaled to LeNet-5's 28×28 gray input, vigil's path before
 * (decoder BGR + OpenCV) and now (FFmpeg's swscale straight to the input) against {@code ffmpeg -i
 * FILE -vf scale=28:28:flags=area,format=gray -f null -}; offline analysis of 16 files (the whole
 * pipeline, LeNet-5 included) against the command line decoding the same 16 files with the same
 * number of files at once; and real time: how many looping 1080p30 H.264 streams each holds, with
 * LeNet-5 (decoding is the limit) and with an AlexNet-class network on 3×227×227 (the engine is the
 * limit; then where the time goes). One-stream clips: MPEG-4 768×576, H.264 720p and 1080p, H.265
 * 1080p.
 *
 * <p>Run with {@code bench/video/run.sh} (it makes the clips with Debian's {@code ffmpeg} first).
 * Arguments: the clip folder, then optionally {@code one} for the one-stream rows only, or {@code
 * realtime SECONDS [lenet|alexnet]} for the real-time rows only (both models unless one is named).
 */
public final class VideoInBench {

  private static final Path MODEL = Path.of("models/lenet5-fashion.vgl");
  private static final Pattern SPEED = Pattern.compile("speed=\\s*([0-9.]+)x");

  private VideoInBench() {}

  public static void main(String[] args) throws Exception {
    Path clips = Path.of(args[0]);
    Model lenet = ModelFile.load(MODEL);
    String ffmpeg = Loader.load(org.bytedeco.ffmpeg.ffmpeg.class);
    int cores = Runtime.getRuntime().availableProcessors();
    System.out.printf(
        "vigil video-in bench: %d cores, Java %s, FFmpeg command line %s%n",
        cores, System.getProperty("java.version"), ffmpeg);
    boolean realtimeOnly = args.length > 1 && args[1].equals("realtime");
    int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 20;
    String models = args.length > 3 ? args[3] : "both";
    boolean oneStreamOnly = args.length > 1 && args[1].equals("one");
    if (!realtimeOnly) {
      for (String clip :
          List.of("vtest-x4.avi", "h264-720p-x4.mp4", "h264-1080p-x4.mp4", "h265-1080p.mp4")) {
        oneStream(clips.resolve(clip), lenet.input(), ffmpeg);
      }
      if (oneStreamOnly) {
        return;
      }
      ActorSystem<Void> system =
          ActorSystem.create(Behaviors.empty(), "bench", ConfigFactory.load());
      try {
        for (String folder : List.of("offline-vtest", "offline-1080p")) {
          offline(system, lenet, clips.resolve(folder), ffmpeg, cores);
        }
      } finally {
        system.terminate();
      }
    }
    Path realtimeClip = clips.resolve("h264-1080p.mp4");
    if (!models.equals("alexnet")) {
      realtimeStreams(realtimeClip, lenet, "LeNet-5", ffmpeg, seconds);
    }
    if (!models.equals("lenet")) {
      Model alexnet = BenchModels.alexNetClass();
      int held = realtimeStreams(realtimeClip, alexnet, "AlexNet-class", ffmpeg, seconds);
      whereTheTimeGoes(realtimeClip, alexnet, Math.max(1, held));
    }
  }

  /**
   * Where a real-time AlexNet-class stream's CPU goes: decoding plus scaling to 3×227×227 per frame
   * (one stream alone, as fast as it goes), and the engine per image at the small batches real time
   * forms; then what {@code streams} streams at 30 fps ask of the machine's cores.
   */
  private static void whereTheTimeGoes(Path video, Model model, int streams) throws Exception {
    long start = System.nanoTime();
    long frames = decode(video, model.input(), PictureFormat.NATIVE);
    double decodeMs = seconds(start) * 1000 / frames;
    int batch = streams;
    List<StreamItem.Frame> frameBatch = new ArrayList<>();
    for (int i = 0; i < batch; i++) {
      frameBatch.add(new StreamItem.Frame("s", i, 0, 0, 0, new float[model.input().size()]));
    }
    double engineMs;
    try (EngineClassifier classifier = new EngineClassifier(model, 32, 3)) {
      for (int i = 0; i < 5; i++) {
        classifier.classify(frameBatch); // warm-up
      }
      int rounds = 0;
      start = System.nanoTime();
      while (seconds(start) < 5) {
        classifier.classify(frameBatch);
        rounds++;
      }
      engineMs = seconds(start) * 1000 / (rounds * (double) batch);
    }
    int cores = Runtime.getRuntime().availableProcessors();
    // Decoding runs on one thread per stream; the engine is one thread whose work spreads over
    // every core, so it is busy for its time per image whatever the cores.
    double decodeShare = streams * 30 * decodeMs / (10.0 * cores);
    double engineBusy = streams * 30 * engineMs / 10.0;
    System.out.printf(
        Locale.ROOT,
        "where the time goes, AlexNet-class, %d x 1080p30: decode + scale to 3x227x227 %.2f ms a"
            + " frame on one thread (%.0f%% of the %d cores at 30 fps); engine %.1f ms an image at"
            + " batch %d on all cores (busy %.0f%% of the time at 30 fps, at most %.0f images/s)%n",
        streams,
        decodeMs,
        decodeShare,
        cores,
        engineMs,
        batch,
        engineBusy,
        1000 / engineMs);
  }

  /** One stream, decode + preprocess: old path, new path and the command line, two rounds. */
  private static void oneStream(Path video, InputContract contract, String ffmpeg)
      throws Exception {
    double bgr = 0;
    double scaled = 0;
    double cli = 0;
    long frames = 0;
    for (int round = 0; round < 2; round++) {
      long start = System.nanoTime();
      frames = decode(video, contract, PictureFormat.BGR);
      bgr = Math.max(bgr, frames / seconds(start));
      start = System.nanoTime();
      decode(video, contract, PictureFormat.NATIVE);
      scaled = Math.max(scaled, frames / seconds(start));
      start = System.nanoTime();
      run(cliToLeNetInput(ffmpeg, video));
      cli = Math.max(cli, frames / seconds(start));
    }
    System.out.printf(
        Locale.ROOT,
        "one stream, %s (%d frames), decode + 28x28 gray: FFmpeg CLI %.0f frames/s; vigil"
            + " before (BGR + OpenCV) %.0f (%.2fx), now (swscale to the input) %.0f (%.2fx)%n",
        video.getFileName(),
        frames,
        cli,
        bgr,
        bgr / cli,
        scaled,
        scaled / cli);
  }

  private static long decode(Path video, InputContract contract, PictureFormat format)
      throws Exception {
    float[] input = new float[contract.size()];
    long frames = 0;
    try (VideoDecoder decoder = VideoDecoder.open(video, format);
        FrameScaler scaler = new FrameScaler(contract, Preprocessing.STRETCH, "bench");
        FramePreprocessor preprocessor = new FramePreprocessor(contract)) {
      DecodedFrame frame;
      while ((frame = decoder.next()) != null) {
        if (format == PictureFormat.NATIVE) {
          scaler.toTensor(frame.picture(), input, 0);
        } else {
          preprocessor.toTensor(frame.frame(), input, 0);
        }
        frames++;
      }
    }
    return frames;
  }

  /** Offline analysis of every file in {@code folder} against the CLI decoding them alike. */
  private static void offline(
      ActorSystem<Void> system, Model model, Path folder, String ffmpeg, int cores)
      throws Exception {
    List<Path> videos;
    try (var listing = Files.list(folder)) {
      videos = listing.sorted().toList();
    }
    double vigil = 0;
    double cli = 0;
    long frames = 0;
    for (int round = 0; round < 2; round++) {
      Path out = Files.createTempDirectory("vigil-video-in");
      AnalyzeSettings settings = AnalyzeSettings.from(ConfigFactory.load());
      BatchRunReport report =
          new BatchAnalyzeJob(system, settings, new BatchSettings(cores, 10))
              .start(
                  videos,
                  new EngineClassifier(model, settings.maxBatch(), settings.topK()),
                  model.input(),
                  out,
                  BatchListener.NONE)
              .report()
              .toCompletableFuture()
              .get();
      frames = report.frames();
      vigil = Math.max(vigil, report.framesPerSecond());
      long start = System.nanoTime();
      ExecutorService pool = Executors.newFixedThreadPool(cores);
      List<Future<?>> runs = new ArrayList<>();
      for (Path video : videos) {
        runs.add(pool.submit(() -> run(cliToLeNetInput(ffmpeg, video))));
      }
      for (Future<?> f : runs) {
        f.get();
      }
      pool.shutdown();
      cli = Math.max(cli, frames / seconds(start));
    }
    System.out.printf(
        Locale.ROOT,
        "offline, %d files of %s (%d frames), %d at once: FFmpeg CLI decode + scale %.0f"
            + " frames/s; vigil analyze (LeNet-5, results written) %.0f frames/s (%.2fx)%n",
        videos.size(),
        folder.getFileName(),
        frames,
        cores,
        cli,
        vigil,
        vigil / cli);
  }

  /**
   * Real time: the most looping 1080p30 streams each side holds. The command line holds {@code n}
   * when every one of {@code n} processes reading at the native rate ({@code -re}) keeps a speed of
   * at least 0.99×; vigil when its pipeline runs {@code n} paced streams with no frame dropped and
   * p99 latency under 100 ms.
   */
  private static int realtimeStreams(
      Path video, Model model, String modelName, String ffmpeg, int seconds) throws Exception {
    InputContract input = model.input();
    int cliHeld =
        mostHeld(
            n -> {
              double slowest = cliSlowest(video, ffmpeg, input, n, seconds);
              System.out.printf(
                  Locale.ROOT,
                  "real time, FFmpeg CLI to %s, %d x 1080p30: slowest speed %.3fx%n",
                  shape(input),
                  n,
                  slowest);
              return slowest >= 0.99;
            });
    int vigilHeld;
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "bench", ConfigFactory.load());
    try {
      // Warm-up: the engine's and FFmpeg's code compiled and loaded before anything is counted.
      vigilRealtime(system, video, model, 2, 1);
      vigilHeld =
          mostHeld(
              n -> {
                Window w = vigilRealtime(system, video, model, n, seconds);
                boolean held = w.dropped() == 0 && w.p99() < 100;
                System.out.printf(
                    Locale.ROOT,
                    "real time, vigil (%s), %d x 1080p30, %d s after %d s to settle: in %d, out"
                        + " %d, dropped %d (%d late at the source); latency p50 %.1f p95 %.1f"
                        + " p99 %.1f ms; %d collections, %d ms: %s%n",
                    modelName,
                    n,
                    seconds,
                    SETTLE_SECONDS,
                    w.in(),
                    w.out(),
                    w.dropped(),
                    w.late(),
                    w.p50(),
                    w.p95(),
                    w.p99(),
                    w.collections(),
                    w.collectionMillis(),
                    held ? "held" : "not held");
                return held;
              });
    } finally {
      system.terminate();
    }
    System.out.printf(
        Locale.ROOT,
        "real time, 1080p30 H.264 streams held to %s: FFmpeg CLI %d, vigil with %s %d (%.2fx)%n",
        shape(input),
        cliHeld,
        modelName,
        vigilHeld,
        cliHeld == 0 ? 0.0 : (double) vigilHeld / cliHeld);
    return vigilHeld;
  }

  /** A count of streams that either holds or not. */
  private interface Trial {
    boolean holds(int streams) throws Exception;
  }

  /**
   * The most streams {@code trial} holds, up to 32: doubling from 1 until a count fails, then one
   * by one up from the last count held.
   */
  private static int mostHeld(Trial trial) throws Exception {
    int held = 0;
    int failed = 33;
    for (int n = 1; n < failed; n = failed == 33 ? n * 2 : n + 1) {
      if (trial.holds(Math.min(n, 32))) {
        held = Math.min(n, 32);
      } else {
        failed = n;
        n = held;
      }
    }
    return held;
  }

  private static String shape(InputContract input) {
    return input.channels() + "x" + input.height() + "x" + input.width();
  }

  /** The slowest speed (× real time) of {@code n} CLI processes at the native rate. */
  private static double cliSlowest(
      Path video, String ffmpeg, InputContract input, int n, int seconds) throws Exception {
    List<Process> processes = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      processes.add(
          new ProcessBuilder(
                  ffmpeg,
                  "-nostdin",
                  "-stats",
                  "-v",
                  "error",
                  "-re",
                  "-stream_loop",
                  "-1",
                  "-t",
                  Integer.toString(seconds),
                  "-i",
                  video.toString(),
                  "-vf",
                  cliFilter(input),
                  "-f",
                  "null",
                  "-")
              .redirectErrorStream(true)
              .start());
    }
    double slowest = Double.MAX_VALUE;
    for (Process p : processes) {
      String output = new String(p.getInputStream().readAllBytes());
      p.waitFor();
      Matcher m = SPEED.matcher(output);
      double last = 0;
      while (m.find()) {
        last = Double.parseDouble(m.group(1));
      }
      slowest = Math.min(slowest, last);
    }
    return slowest;
  }

  /**
   * A real-time run's steady state: what happened after the first {@value #SETTLE_SECONDS} s, when
   * every stream has opened and its decoder started (counts are differences of two snapshots;
   * latencies are of the results that came out after that moment).
   */
  record Window(
      long in,
      long out,
      long dropped,
      long late,
      double p50,
      double p95,
      double p99,
      long collections,
      long collectionMillis) {}

  /** Garbage collections so far and their time in ms, over every collector. */
  private static long[] collections() {
    long count = 0;
    long millis = 0;
    for (var gc : java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()) {
      count += Math.max(0, gc.getCollectionCount());
      millis += Math.max(0, gc.getCollectionTime());
    }
    return new long[] {count, millis};
  }

  private static final int SETTLE_SECONDS = 5;

  private static Window vigilRealtime(
      ActorSystem<Void> system, Path video, Model model, int streams, int seconds)
      throws Exception {
    RealtimeSettings settings =
        RealtimeSettings.from(ConfigFactory.load())
            .withBuffer(64, DropPolicy.DROP_OLDEST)
            .withBatch(32, Duration.ofMillis(10));
    Path out = Files.createTempDirectory("vigil-video-in-rt");
    RealtimePipeline pipeline =
        RealtimePipeline.start(
            system, settings, new EngineClassifier(model, 32, 3), model.input(), out);
    AtomicBoolean settled = new AtomicBoolean();
    List<Double> latencies = java.util.Collections.synchronizedList(new ArrayList<>());
    pipeline.tapResults(
        r -> {
          if (settled.get()) {
            latencies.add(r.latencyMillis());
          }
        });
    for (int s = 0; s < streams; s++) {
      pipeline.add(SourceSpec.file("cam" + s, video, 30, true));
    }
    Thread.sleep(SETTLE_SECONDS * 1000L);
    PipelineMetrics start = pipeline.metrics();
    long[] gcStart = collections();
    settled.set(true);
    Thread.sleep(seconds * 1000L);
    PipelineMetrics end = pipeline.metrics();
    long[] gcEnd = collections();
    settled.set(false);
    pipeline.stop(Duration.ofSeconds(10));
    double[] sorted;
    synchronized (latencies) {
      sorted = latencies.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    }
    return new Window(
        end.framesIn() - start.framesIn(),
        end.framesOut() - start.framesOut(),
        end.dropped() - start.dropped(),
        late(end) - late(start),
        percentile(sorted, 0.50),
        percentile(sorted, 0.95),
        percentile(sorted, 0.99),
        gcEnd[0] - gcStart[0],
        gcEnd[1] - gcStart[1]);
  }

  private static long late(PipelineMetrics m) {
    return m.streams().stream().mapToLong(StreamMetrics::droppedLate).sum();
  }

  private static double percentile(double[] sorted, double q) {
    return sorted.length == 0
        ? Double.NaN
        : sorted[(int) Math.min(sorted.length - 1, q * sorted.length)];
  }

  /** The filter that makes what vigil makes for {@code input}: area scaling, gray or planar RGB. */
  private static String cliFilter(InputContract input) {
    return "scale="
        + input.width()
        + ":"
        + input.height()
        + ":flags=area,format="
        + (input.channels() == 1 ? "gray" : "gbrp");
  }

  /** The command line decoding {@code video} and scaling it to LeNet-5's input, as vigil does. */
  private static List<String> cliToLeNetInput(String ffmpeg, Path video) {
    return List.of(
        ffmpeg,
        "-nostdin",
        "-v",
        "error",
        "-i",
        video.toString(),
        "-vf",
        "scale=28:28:flags=area,format=gray",
        "-f",
        "null",
        "-");
  }

  private static Void run(List<String> command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes());
    if (p.waitFor() != 0) {
      throw new IllegalStateException(command + " failed: " + output);
    }
    return null;
  }

  private static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }
}
