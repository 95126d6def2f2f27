package io.vigil.pipeline.analyze;

import io.vigil.engine.model.InputContract;
import io.vigil.pipeline.stream.ClassifiedBatch;
import io.vigil.pipeline.stream.DecoderSource;
import io.vigil.pipeline.stream.FrameClassifier;
import io.vigil.pipeline.stream.MetricsRegistry;
import io.vigil.pipeline.video.VideoDecoder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.UniqueKillSwitch;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;

/**
 * Offline analysis of many video files in one stream graph:
 *
 * <pre>
 * files ─ flatMapMerge(parallel-files): decode + convert each (blocking dispatcher)
 *   → groupedWithin(max-size, max-wait)       one batcher for the frames of every file
 *   → classify (the engine's own thread)
 *   → route results to their stream's file, commit on its end marker (blocking dispatcher)
 * </pre>
 *
 * <p>No frame is dropped (backpressure slows the decoders). Each stream's results and summary are
 * committed atomically when its file ends, summary last; files whose two outputs already exist are
 * skipped, so a restarted run finishes what an interrupted one left. A file that cannot be read
 * fails its own stream only (its partial results are discarded) and the others finish.
 */
public final class BatchAnalyzeJob {

  private final ActorSystem<?> system;
  private final AnalyzeSettings settings;
  private final BatchSettings batch;

  public BatchAnalyzeJob(ActorSystem<?> system, AnalyzeSettings settings, BatchSettings batch) {
    this.system = system;
    this.settings = settings;
    this.batch = batch;
  }

  /** A run in progress: cancel it, or wait for its report. */
  public record Running(UniqueKillSwitch killSwitch, CompletionStage<BatchRunReport> report) {
    /** Stops the run: files not yet ended leave no output, finished ones stay. */
    public void cancel() {
      killSwitch.abort(new java.util.concurrent.CancellationException("analysis run cancelled"));
    }
  }

  /**
   * Starts analysing {@code videos} into {@code outDir}.
   *
   * @param classifier the engine (closed when the run ends); its batch size must be at least {@code
   *     max-size}
   * @throws IllegalArgumentException when two videos have the same file name (their outputs would
   *     collide) or the list is empty
   * @throws IOException when the output folder cannot be created
   */
  public Running start(
      List<Path> videos,
      FrameClassifier classifier,
      InputContract contract,
      Path outDir,
      BatchListener listener)
      throws IOException {
    Map<String, Path> byStream = streams(videos);
    Files.createDirectories(outDir);
    long started = System.nanoTime();
    List<FileOutcome> skipped = new ArrayList<>();
    List<Path> pending = new ArrayList<>();
    long pendingBytes = 0;
    for (Map.Entry<String, Path> e : byStream.entrySet()) {
      if (OutputNames.complete(outDir, e.getKey())) {
        skipped.add(new FileOutcome(e.getValue(), e.getKey(), FileOutcome.Status.SKIPPED, 0, null));
      } else {
        pending.add(e.getValue());
        pendingBytes += sizeOf(e.getValue());
      }
    }
    MetricsRegistry metrics = new MetricsRegistry();
    Progress progress =
        new Progress(listener, byStream.size(), skipped.size(), pendingBytes, started, byStream);
    OfflineResultRouter router =
        new OfflineResultRouter(
            outDir,
            byStream,
            classifier.modelVersion(),
            classifier.classNames(),
            batch.segmentMinFrames(),
            metrics,
            progress);
    Executor blocking =
        system
            .dispatchers()
            .lookup(DispatcherSelector.fromConfig(DecoderSource.BLOCKING_DISPATCHER));
    // One engine thread: the classifier is not thread-safe and must never run on the default
    // dispatcher.
    ExecutorService engine =
        Executors.newSingleThreadExecutor(r -> new Thread(r, "vigil-engine-offline"));
    AtomicBoolean cancelled = new AtomicBoolean();

    Pair<UniqueKillSwitch, CompletionStage<Done>> graph =
        Source.from(pending)
            .flatMapMerge(
                batch.parallelFiles(),
                video ->
                    DecoderSource.failingSoftly(
                        video.getFileName().toString(), () -> VideoDecoder.open(video), contract))
            .viaMat(KillSwitches.single(), Keep.right())
            .groupedWithin(settings.maxBatch(), settings.maxWait())
            .mapAsync(
                1,
                items ->
                    CompletableFuture.supplyAsync(
                        () -> ClassifiedBatch.classify(items, classifier), engine))
            .mapAsync(
                1,
                b ->
                    CompletableFuture.supplyAsync(
                        () -> {
                          int written = router.accept(b);
                          progress.frames(written);
                          return written;
                        },
                        blocking))
            .toMat(Sink.ignore(), Keep.both())
            .run(system);

    CompletionStage<BatchRunReport> report =
        graph
            .second()
            .handle(
                (done, failure) -> {
                  // Closed on the engine thread, after any batch still in it (a cancelled run).
                  engine.execute(classifier::close);
                  engine.shutdown();
                  router.abortAll();
                  Throwable cause = unwrap(failure);
                  if (cause != null
                      && !(cause instanceof java.util.concurrent.CancellationException)) {
                    throw new java.util.concurrent.CompletionException(cause);
                  }
                  cancelled.set(cause != null);
                  List<FileOutcome> all = new ArrayList<>(skipped);
                  all.addAll(router.outcomes());
                  long frames = all.stream().mapToLong(FileOutcome::frames).sum();
                  BatchRunReport r =
                      new BatchRunReport(
                          outDir,
                          classifier.modelVersion(),
                          order(all, byStream),
                          frames,
                          Duration.ofNanos(System.nanoTime() - started),
                          cancelled.get(),
                          metrics.snapshot());
                  try {
                    r.write();
                  } catch (IOException e) {
                    throw new UncheckedIOException(e);
                  }
                  return r;
                });
    return new Running(graph.first(), report);
  }

  /** Each video's stream id (its file name); two videos may not share one. */
  static Map<String, Path> streams(List<Path> videos) {
    if (videos.isEmpty()) {
      throw new IllegalArgumentException("no video files to analyse");
    }
    Map<String, Path> byStream = new LinkedHashMap<>();
    for (Path v : videos) {
      String id = v.getFileName().toString();
      Path other = byStream.putIfAbsent(id, v);
      if (other != null && !other.equals(v)) {
        throw new IllegalArgumentException(
            "two videos share the name "
                + id
                + " ("
                + other
                + " and "
                + v
                + "); their results would overwrite each other");
      }
    }
    return byStream;
  }

  private static List<FileOutcome> order(List<FileOutcome> all, Map<String, Path> byStream) {
    Map<String, FileOutcome> byId = new HashMap<>();
    all.forEach(o -> byId.put(o.stream(), o));
    List<FileOutcome> ordered = new ArrayList<>();
    for (String id : byStream.keySet()) {
      if (byId.containsKey(id)) {
        ordered.add(byId.get(id));
      }
    }
    return ordered;
  }

  private static long sizeOf(Path video) {
    try {
      return Files.isRegularFile(video) ? Files.size(video) : 0;
    } catch (IOException e) {
      // An unreadable file fails its own stream later with a clear message; it counts as empty.
      return 0;
    }
  }

  private static Throwable unwrap(Throwable t) {
    while (t instanceof java.util.concurrent.CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  /** Turns frames and finished files into throttled progress with an ETA. */
  private final class Progress implements BatchListener {
    private final BatchListener listener;
    private final int total;
    private final long pendingBytes;
    private final long started;
    private final Map<String, Path> videos;
    private final long interval = settings.progressInterval().toNanos();
    private int done;
    private long frames;
    private long doneBytes;
    private long doneFrames;
    private long lastReport;

    Progress(
        BatchListener listener,
        int total,
        int skipped,
        long pendingBytes,
        long started,
        Map<String, Path> videos) {
      this.listener = listener;
      this.total = total;
      this.done = skipped;
      this.pendingBytes = pendingBytes;
      this.started = started;
      this.videos = videos;
      this.lastReport = started;
    }

    synchronized void frames(int n) {
      frames += n;
      long now = System.nanoTime();
      if (now - lastReport >= interval) {
        lastReport = now;
        report(now);
      }
    }

    @Override
    public synchronized void onFile(FileOutcome outcome) {
      done++;
      doneBytes += sizeOf(videos.get(outcome.stream()));
      doneFrames += outcome.frames();
      listener.onFile(outcome);
      report(System.nanoTime());
    }

    private void report(long now) {
      double seconds = (now - started) / 1e9;
      double fps = seconds > 0 ? frames / seconds : 0;
      double eta = Double.NaN;
      if (doneBytes > 0 && doneFrames > 0 && fps > 0) {
        // Frames per byte of the files finished so far, applied to all the run's bytes.
        double expected = (double) doneFrames / doneBytes * pendingBytes;
        eta = Math.max(0, expected - frames) / fps;
      }
      if (done == total) {
        eta = 0;
      }
      listener.onProgress(done, total, frames, fps, eta);
    }
  }
}
