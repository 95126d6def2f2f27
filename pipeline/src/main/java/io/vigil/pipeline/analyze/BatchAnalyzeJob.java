package io.vigil.pipeline.analyze;

import io.vigil.engine.model.InputContract;
import io.vigil.engine.model.Model;
import io.vigil.pipeline.frame.FrameClassifier;
import io.vigil.pipeline.frame.StreamItem;
import io.vigil.pipeline.stream.ClassifierSlot;
import io.vigil.pipeline.stream.DecodeOptions;
import io.vigil.pipeline.stream.DecoderSource;
import io.vigil.pipeline.stream.EngineClassifier;
import io.vigil.pipeline.stream.HotSwap;
import io.vigil.pipeline.stream.InferenceWindow;
import io.vigil.pipeline.stream.MetricsRegistry;
import io.vigil.pipeline.stream.ModelSwapTarget;
import io.vigil.pipeline.stream.SwapReport;
import io.vigil.pipeline.video.LabelSidecar;
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
import java.util.function.Function;
import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.UniqueKillSwitch;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;

/**
 * Offline analysis of video files, one or many, in one stream graph:
 *
 * <pre>
 * files ─ flatMapMerge(parallel-files): decode + convert each (blocking dispatcher)
 *   → groupedWithin(max-size, max-wait)       one batcher for the frames of every file
 *   → classify on the slot's classifier, read once per batch (the engine's own thread; on a GPU,
 *         two batches in flight: InferenceWindow)
 *   → route results to their stream's file, commit on its end marker (blocking dispatcher)
 * </pre>
 *
 * <p>No frame is dropped (backpressure slows the decoders). Each stream's results and summary are
 * committed atomically when its file ends, summary last; files whose two outputs already exist are
 * skipped, so a restarted run finishes what an interrupted one left ({@link OutputLayout}). A file
 * that cannot be read fails its own stream only (its partial results are discarded) and the others
 * finish. Where a video's true labels are known (a label file, see {@link LabelSidecar}), its
 * summary says how many frames were classified right; a label file that cannot be read fails its
 * video before decoding starts.
 *
 * <p>A classifier that also scores windows ({@link FrameClassifier#windowSampling()}, see {@link
 * io.vigil.pipeline.window.WindowMapClassifier}) has the decoders prepare each frame's window input
 * beside its whole-frame input; a frame too small for one window fails its file.
 *
 * <p>A run takes a new model while it goes ({@link Running#swap}, through a {@link ClassifierSlot}
 * and {@link HotSwap}): no frame is lost or classified twice, every result names its version, and
 * each file's summary lists the versions that classified it, with their frame ranges and accuracy.
 */
public final class BatchAnalyzeJob {

  private final ActorSystem<?> system;
  private final AnalyzeSettings settings;
  private final BatchSettings batch;
  private final Function<Model, FrameClassifier> loader;
  private final Executor loads;

  /** A job whose runs give models swapped in an {@link EngineClassifier} (whole frames). */
  public BatchAnalyzeJob(ActorSystem<?> system, AnalyzeSettings settings, BatchSettings batch) {
    this(
        system,
        settings,
        batch,
        m -> new EngineClassifier(m, settings.maxBatch(), settings.topK()));
  }

  /**
   * A job whose runs build the classifier of each model swapped in with {@code loader}: batches of
   * up to {@code max-size} frames, the settings' top-k, and windows as the run's first classifier.
   */
  public BatchAnalyzeJob(
      ActorSystem<?> system,
      AnalyzeSettings settings,
      BatchSettings batch,
      Function<Model, FrameClassifier> loader) {
    this(system, settings, batch, loader, null);
  }

  /** As the public one, with swaps loaded by {@code loads} (caller-runs in tests). */
  BatchAnalyzeJob(
      ActorSystem<?> system,
      AnalyzeSettings settings,
      BatchSettings batch,
      Function<Model, FrameClassifier> loader,
      Executor loads) {
    this.system = system;
    this.settings = settings;
    this.batch = batch;
    this.loader = loader;
    this.loads = loads;
  }

  /**
   * A run in progress: cancel it, wait for its report, or swap a new model in.
   *
   * @param models the run's hot swaps; {@link #swap} and {@link #modelVersion} are its
   */
  public record Running(
      UniqueKillSwitch killSwitch, CompletionStage<BatchRunReport> report, ModelSwapTarget models)
      implements ModelSwapTarget {

    /** Stops the run: files not yet ended leave no output, finished ones stay. */
    public void cancel() {
      killSwitch.abort(new java.util.concurrent.CancellationException("analysis run cancelled"));
    }

    @Override
    public String modelVersion() {
      return models.modelVersion();
    }

    /**
     * Swaps {@code model} in while the run goes, as {@link ModelSwapTarget#swap} says: its trial
     * batch has {@code max-size} frames; a swap whose first result would come after the run's last
     * is cancelled.
     */
    @Override
    public CompletionStage<SwapReport> swap(Model model) {
      return models.swap(model);
    }
  }

  /**
   * Starts analysing {@code videos} into the folder {@code outDir}, each with its label file beside
   * it ({@code <video>.labels.csv}) where there is one.
   *
   * @see #start(List, FrameClassifier, InputContract, OutputLayout, Function, BatchListener)
   */
  public Running start(
      List<Path> videos,
      FrameClassifier classifier,
      InputContract contract,
      Path outDir,
      BatchListener listener)
      throws IOException {
    return start(
        videos,
        classifier,
        contract,
        OutputLayout.folder(outDir),
        BatchAnalyzeJob::sidecarIfPresent,
        listener);
  }

  /**
   * Starts analysing {@code videos}.
   *
   * @param classifier the engine (closed when the run ends, or after a swap once its last batch is
   *     out); its batch size must be at least {@code max-size}
   * @param layout where results and summaries go
   * @param labelsFor a video's label file, or null when its true labels are unknown
   * @throws IllegalArgumentException when two videos have the same file name (their outputs would
   *     collide), the list is empty, or a single-file layout is given more than one video
   * @throws IOException when an output cannot be written (see {@link OutputLayout#check})
   */
  public Running start(
      List<Path> videos,
      FrameClassifier classifier,
      InputContract contract,
      OutputLayout layout,
      Function<Path, Path> labelsFor,
      BatchListener listener)
      throws IOException {
    DecodeOptions options =
        DecodeOptions.OFFLINE
            .withPreprocessing(settings.preprocessing())
            .withWindows(classifier.windowSampling());
    return start(
        videos,
        classifier,
        contract,
        layout,
        labelsFor,
        listener,
        video ->
            DecoderSource.failingSoftly(
                video.getFileName().toString(),
                () -> VideoDecoder.open(video, options.pictureFormat()),
                contract,
                options));
  }

  /**
   * As the public one, with the items of each video (its frames, then its end or failure marker,
   * all of stream {@code <file name>}) from {@code decoders}: tests feed them by hand.
   */
  Running start(
      List<Path> videos,
      FrameClassifier classifier,
      InputContract contract,
      OutputLayout layout,
      Function<Path, Path> labelsFor,
      BatchListener listener,
      Function<Path, Source<StreamItem, NotUsed>> decoders)
      throws IOException {
    Map<String, Path> byStream = streams(videos);
    if (layout.isSingleFile() && byStream.size() > 1) {
      throw new IllegalArgumentException(
          "one results file (" + layout.target() + ") cannot hold " + byStream.size() + " videos");
    }
    layout.prepare(byStream.keySet());
    long started = System.nanoTime();
    // Settled before decoding: complete from an earlier run, or with a label file that is bad.
    List<FileOutcome> settled = new ArrayList<>();
    List<Path> pending = new ArrayList<>();
    Map<String, int[]> trueLabels = new HashMap<>();
    long pendingBytes = 0;
    for (Map.Entry<String, Path> e : byStream.entrySet()) {
      String stream = e.getKey();
      Path video = e.getValue();
      if (layout.complete(stream)) {
        settled.add(new FileOutcome(video, stream, FileOutcome.Status.SKIPPED, 0, null));
        continue;
      }
      Path labels = labelsFor.apply(video);
      if (labels != null) {
        try {
          trueLabels.put(stream, LabelSidecar.read(labels));
        } catch (IOException bad) {
          settled.add(
              new FileOutcome(video, stream, FileOutcome.Status.FAILED, 0, bad.getMessage()));
          continue;
        }
      }
      pending.add(video);
      pendingBytes += sizeOf(video);
    }
    MetricsRegistry metrics = new MetricsRegistry();
    ClassifierSlot slot = new ClassifierSlot(classifier);
    HotSwap swaps =
        new HotSwap(
            slot, contract, loader, settings.maxBatch(), classifier.windowSampling(), loads);
    RunProgress progress =
        new RunProgress(
            listener,
            byStream.size(),
            settled.size(),
            pendingBytes,
            started,
            byStream,
            settings.progressInterval());
    OfflineResultRouter router =
        new OfflineResultRouter(
            layout,
            byStream,
            trueLabels,
            slot::modelVersion,
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
    InferenceWindow inference = new InferenceWindow(engine);
    AtomicBoolean cancelled = new AtomicBoolean();

    Pair<UniqueKillSwitch, CompletionStage<Done>> graph =
        Source.from(pending)
            .flatMapMerge(batch.parallelFiles(), decoders::apply)
            .viaMat(KillSwitches.single(), Keep.right())
            .groupedWithin(settings.maxBatch(), settings.maxWait())
            .mapAsync(
                InferenceWindow.parallelism(classifier), items -> slot.classify(items, inference))
            .mapAsync(
                1,
                served ->
                    CompletableFuture.supplyAsync(
                        () -> {
                          int written = router.accept(served.batch());
                          slot.delivered(served);
                          progress.frames(written);
                          return written;
                        },
                        blocking))
            .toMat(Sink.ignore(), Keep.both())
            .run(system);

    CompletableFuture<Void> closed = new CompletableFuture<>();
    CompletableFuture<BatchRunReport> ended =
        graph
            .second()
            .toCompletableFuture()
            .handle(
                (done, failure) -> {
                  String lastVersion = slot.modelVersion();
                  // Closed on the engine thread, after any batch still in it (a cancelled run):
                  // the loads first, then the classifier of the last batch and any no batch took.
                  engine.execute(
                      () -> {
                        try {
                          closeLoads(swaps);
                          slot.close();
                        } finally {
                          closed.complete(null);
                        }
                      });
                  engine.shutdown();
                  router.abortAll();
                  Throwable cause = unwrap(failure);
                  if (cause != null
                      && !(cause instanceof java.util.concurrent.CancellationException)) {
                    throw new java.util.concurrent.CompletionException(cause);
                  }
                  cancelled.set(cause != null);
                  List<FileOutcome> all = new ArrayList<>(settled);
                  all.addAll(router.outcomes());
                  long frames = all.stream().mapToLong(FileOutcome::frames).sum();
                  BatchRunReport r =
                      new BatchRunReport(
                          layout.target(),
                          lastVersion,
                          order(all, byStream),
                          frames,
                          Duration.ofNanos(System.nanoTime() - started),
                          cancelled.get(),
                          metrics.snapshot());
                  if (layout.runSummary() != null) {
                    try {
                      r.write(layout.runSummary());
                    } catch (IOException e) {
                      throw new UncheckedIOException(e);
                    }
                  }
                  return r;
                });
    // The report (or failure) once the classifiers are closed and every swap has its answer.
    CompletionStage<BatchRunReport> report =
        CompletableFuture.allOf(ended.exceptionally(e -> null), closed).thenCompose(x -> ended);
    return new Running(graph.first(), report, swaps);
  }

  private static void closeLoads(HotSwap swaps) {
    try {
      swaps.close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** {@code <video>.labels.csv} if that file exists, else null. */
  static Path sidecarIfPresent(Path video) {
    Path sidecar = LabelSidecar.pathFor(video);
    return Files.isRegularFile(sidecar) ? sidecar : null;
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

  static long sizeOf(Path video) {
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
}
