package io.vigil.pipeline.realtime;

import io.vigil.engine.model.InputContract;
import io.vigil.engine.model.Model;
import io.vigil.pipeline.frame.FrameClassifier;
import io.vigil.pipeline.frame.StreamItem;
import io.vigil.pipeline.result.FrameResult;
import io.vigil.pipeline.stream.ClassifierSlot;
import io.vigil.pipeline.stream.DecoderSource;
import io.vigil.pipeline.stream.EngineClassifier;
import io.vigil.pipeline.stream.HotSwap;
import io.vigil.pipeline.stream.InferenceWindow;
import io.vigil.pipeline.stream.MetricsRegistry;
import io.vigil.pipeline.stream.ModelSwapTarget;
import io.vigil.pipeline.stream.PipelineMetrics;
import io.vigil.pipeline.stream.RecentLatency;
import io.vigil.pipeline.stream.StreamMetrics;
import io.vigil.pipeline.stream.SwapReport;
import io.vigil.pipeline.video.VideoAnnotator;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.UniqueKillSwitch;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.MergeHub;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;

/**
 * The real-time pipeline and its stream manager: streams are added and removed while it runs,
 * without pausing the others.
 *
 * <pre>
 * stream sources (each its own graph, with a kill switch) ─▶ MergeHub
 *   → count frames in; frames the sources shed (unconverted) are counted dropped here
 *   → DroppingBuffer(size, policy, max-size, max-wait)
 *         never backpressures the sources; counts every drop; the one batcher for all
 *         streams, forming a batch when the engine asks for one
 *   → classify on the slot's classifier, read once per batch (the engine's own thread; on a GPU,
 *         two batches in flight: InferenceWindow)
 *   → results to each stream's JSONL, metrics (blocking dispatcher)
 * </pre>
 *
 * <p>Between the buffer and the engine there is no other queue (the stages are fused): a batch
 * being gathered and one in the engine, so a frame waits at most about {@code (buffer / batch + 2)}
 * batch times: latency stays bounded under any load, and what does not fit is dropped and counted.
 * On a GPU the engine holds up to {@link InferenceWindow#parallelism} batches (two computing, the
 * next ready to start), so that the device never waits for the host; the bound grows by two batch
 * times. Every drop in the buffer also tells the frame's source ({@link SaturationSignal}) to shed
 * its next frame before converting it (up to {@code vigil.run.buffer.shed-per-drop} frames), so
 * under overload part of the dropping happens before the pixel conversion and preprocessing; those
 * drops are counted as dropped, and apart as {@code droppedUnconverted}. Removing a stream stops
 * its source with its kill switch; its end marker follows its last frame through the pipeline, and
 * {@link #add}'s future completes once its results are closed.
 *
 * <p>A new model is swapped in while the streams run ({@link #swap}, through a {@link
 * ClassifierSlot} and {@link HotSwap}): built and tried beside the engine, then taken by the next
 * batch; every result names its version and each stream's summary lists the versions it saw.
 */
public final class RealtimePipeline implements ModelSwapTarget, AutoCloseable {

  private static final org.slf4j.Logger log =
      org.slf4j.LoggerFactory.getLogger(RealtimePipeline.class);

  private final ActorSystem<?> system;
  private final RealtimeSettings settings;
  private final InputContract contract;
  private final MetricsRegistry metrics = new MetricsRegistry();

  /** See every converted frame as it arrives ({@link #tapFrames}). */
  private final List<java.util.function.Consumer<StreamItem.Frame>> frameTaps =
      new java.util.concurrent.CopyOnWriteArrayList<>();

  /** File streams' true labels from their sidecars, by stream. */
  private final Map<String, FileLabels> fileLabels = new ConcurrentHashMap<>();

  /** See every result once it is written ({@link #tapResults}). */
  private final List<java.util.function.Consumer<FrameResult>> resultTaps =
      new java.util.concurrent.CopyOnWriteArrayList<>();

  private final LiveResultRouter router;
  private final ClassifierSlot slot;
  private final HotSwap swaps;
  private final ExecutorService engine;
  private final Sink<StreamItem, NotUsed> hub;
  private final UniqueKillSwitch killSwitch;
  private final CompletionStage<Done> done;
  private final Map<String, UniqueKillSwitch> streams = new ConcurrentHashMap<>();
  private final Map<String, SaturationSignal> saturation = new ConcurrentHashMap<>();

  private RealtimePipeline(
      ActorSystem<?> system,
      RealtimeSettings settings,
      FrameClassifier classifier,
      Function<Model, FrameClassifier> loader,
      InputContract contract,
      Path outDir,
      Executor loads) {
    this.system = system;
    this.settings = settings;
    this.contract = contract;
    this.slot = new ClassifierSlot(classifier);
    this.swaps =
        new HotSwap(
            slot, contract, loader, settings.maxBatch(), classifier.windowSampling(), loads);
    this.router = new LiveResultRouter(outDir, classifier.classNames(), metrics);
    this.engine = Executors.newSingleThreadExecutor(r -> new Thread(r, "vigil-engine-realtime"));
    InferenceWindow inference = new InferenceWindow(engine);
    Executor blocking =
        system
            .dispatchers()
            .lookup(DispatcherSelector.fromConfig(DecoderSource.BLOCKING_DISPATCHER));
    Pair<Pair<Sink<StreamItem, NotUsed>, UniqueKillSwitch>, CompletionStage<Done>> graph =
        MergeHub.of(StreamItem.class, 16)
            .map(this::arrived)
            .filter(RealtimePipeline::converted)
            .via(
                new DroppingBuffer(
                    settings.bufferSize(),
                    settings.dropPolicy(),
                    settings.maxBatch(),
                    settings.maxWait(),
                    f -> {
                      metrics.stream(f.stream()).dropped.increment();
                      SaturationSignal signal = saturation.get(f.stream());
                      if (signal != null) {
                        signal.bufferDropped();
                      }
                      f.release();
                    },
                    metrics::queueDepth))
            .mapAsync(
                InferenceWindow.parallelism(classifier), items -> slot.classify(items, inference))
            .mapAsync(
                1,
                served ->
                    CompletableFuture.supplyAsync(
                        () -> {
                          router.accept(served.batch());
                          slot.delivered(served);
                          tellResultTaps(served.batch().results());
                          return served.batch().batchSize();
                        },
                        blocking))
            .viaMat(KillSwitches.single(), Keep.both())
            .toMat(Sink.ignore(), Keep.both())
            .run(system);
    this.hub = graph.first().first();
    this.killSwitch = graph.first().second();
    this.done = graph.second();
  }

  /**
   * Starts the shared part of the pipeline; streams are added with {@link #add}. Models swapped in
   * get an {@link EngineClassifier} with the settings' batch size and top-k.
   *
   * @param classifier the engine, used from one thread and closed by {@link #close()} (or after a
   *     swap, once its last batch is out)
   */
  public static RealtimePipeline start(
      ActorSystem<?> system,
      RealtimeSettings settings,
      FrameClassifier classifier,
      InputContract contract,
      Path outDir) {
    return start(
        system,
        settings,
        classifier,
        m -> new EngineClassifier(m, settings.maxBatch(), settings.topK()),
        contract,
        outDir);
  }

  /**
   * As {@link #start(ActorSystem, RealtimeSettings, FrameClassifier, InputContract, Path)}, with
   * {@code loader} building the classifier of each model swapped in ({@link #swap}); it must give
   * batches of up to the settings' batch size and the same top-k as {@code classifier}.
   */
  public static RealtimePipeline start(
      ActorSystem<?> system,
      RealtimeSettings settings,
      FrameClassifier classifier,
      Function<Model, FrameClassifier> loader,
      InputContract contract,
      Path outDir) {
    return new RealtimePipeline(system, settings, classifier, loader, contract, outDir, null);
  }

  /** As the public one, with swaps loaded by {@code loads} (caller-runs in tests). */
  static RealtimePipeline start(
      ActorSystem<?> system,
      RealtimeSettings settings,
      FrameClassifier classifier,
      Function<Model, FrameClassifier> loader,
      InputContract contract,
      Path outDir,
      Executor loads) {
    return new RealtimePipeline(system, settings, classifier, loader, contract, outDir, loads);
  }

  @Override
  public String modelVersion() {
    return swaps.modelVersion();
  }

  /**
   * Swaps {@code model} in while the streams run, as {@link ModelSwapTarget#swap} says: its trial
   * batch has the settings' batch size; the report's {@code framesBefore} counts every stream.
   */
  @Override
  public CompletionStage<SwapReport> swap(Model model) {
    return swaps.swap(model);
  }

  /**
   * Adds a stream; its frames start flowing at once.
   *
   * @return completes with the stream's final counters once it has ended (removed, or its source
   *     finished or failed) and its results are closed
   * @throws IllegalArgumentException when a stream with this id is running
   */
  public CompletionStage<StreamMetrics> add(SourceSpec spec) {
    String id = spec.id();
    CompletableFuture<StreamMetrics> ended = router.ended(id, spec.input());
    fileLabels.remove(id);
    if (spec.kind() == SourceSpec.Kind.FILE) {
      router.truthFrom(id, Path.of(spec.input()));
      int[] truth = router.truthOf(id);
      if (truth != null && truth.length > 0) {
        fileLabels.put(id, new FileLabels(truth, spec.pacing().loop()));
      }
    }
    if (spec.annotate() != null) {
      double fps = spec.pacing().fps() > 0 ? spec.pacing().fps() : 25;
      router.annotate(id, new VideoAnnotator(spec.annotate(), fps));
    }
    SaturationSignal signal = new SaturationSignal(settings.shedPerDrop());
    saturation.put(id, signal);
    return add(id, LiveSources.of(spec, contract, settings, metrics, signal), ended);
  }

  /**
   * Adds a stream whose frames {@code items} gives (already converted to the input contract, each
   * of stream {@code id}); the pipeline appends its end marker. For tests that feed frames by hand.
   */
  CompletionStage<StreamMetrics> add(String id, Source<StreamItem, ?> items) {
    return add(id, items, router.ended(id, id));
  }

  private CompletionStage<StreamMetrics> add(
      String id, Source<StreamItem, ?> items, CompletableFuture<StreamMetrics> ended) {
    metrics.stream(id);
    Source<StreamItem, UniqueKillSwitch> source =
        items
            .viaMat(KillSwitches.single(), Keep.right())
            .concat(Source.single(new StreamItem.End(id, null)));
    synchronized (streams) {
      if (streams.containsKey(id)) {
        throw new IllegalArgumentException("stream " + id + " is already running");
      }
      streams.put(id, source.toMat(hub, Keep.left()).run(system));
    }
    ended.whenComplete((m, e) -> streams.remove(id));
    return ended;
  }

  /** Stops a stream; the others go on. Its {@link #add} future completes when it has drained. */
  public void remove(String id) {
    UniqueKillSwitch stream = streams.get(id);
    if (stream == null) {
      throw new IllegalArgumentException(
          "no running stream " + id + "; running: " + String.join(", ", streams.keySet()));
    }
    stream.shutdown();
  }

  /** The ids of the streams running now. */
  public Set<String> streams() {
    return Set.copyOf(streams.keySet());
  }

  /** The streams that failed (their input could not be opened or read), with the reason. */
  public Map<String, String> failures() {
    return router.failures();
  }

  /**
   * Completes when the shared part of the pipeline has stopped: normally once {@link #stop} or
   * {@link #close} stopped it, exceptionally when it failed on its own (a result that could not be
   * written): then results were lost, and the streams still listed will not end by themselves.
   */
  public CompletionStage<Done> terminated() {
    return done;
  }

  /** The pipeline's counters now. */
  public PipelineMetrics metrics() {
    return metrics.snapshot();
  }

  /** The latencies of the last second's results, over all streams. */
  public RecentLatency recentLatency() {
    return metrics.recentLatency();
  }

  /**
   * Removes every stream, waits up to {@code grace} for their last frames to be written, then stops
   * the pipeline and the engine. Returns the final metrics.
   */
  public PipelineMetrics stop(Duration grace) throws InterruptedException {
    List<CompletableFuture<StreamMetrics>> pending = new ArrayList<>();
    for (String id : streams()) {
      pending.add(router.ended(id, null));
      UniqueKillSwitch s = streams.get(id);
      if (s != null) {
        s.shutdown();
      }
    }
    try {
      if (!done.toCompletableFuture().isCompletedExceptionally()) {
        // A pipeline that failed writes no more end markers: nothing to wait for.
        CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new))
            .get(grace.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      // Streams that did not drain in time are closed below; their counters still show.
      log.warn("not every stream drained within {}: {}", grace, e.toString());
    }
    close();
    return metrics.snapshot();
  }

  @Override
  public void close() throws InterruptedException {
    killSwitch.shutdown();
    try {
      done.toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      // The pipeline is being torn down: say what it ended with and go on closing.
      log.warn("the real-time pipeline ended with: {}", e.toString());
    }
    router.closeAll();
    engine.shutdown();
    engine.awaitTermination(10, TimeUnit.SECONDS);
    swaps.close();
    // The classifier of the last batch, and one swapped in that no batch took.
    slot.close();
  }

  /**
   * Hands every converted frame to {@code tap} as it arrives, before the buffer (on the stream's
   * thread), besides the taps added before. Labeled streams use it to become training data, the
   * service to show frames and to find the ones worth labeling. A tap that throws is logged and the
   * frame goes on.
   */
  public void tapFrames(java.util.function.Consumer<StreamItem.Frame> tap) {
    frameTaps.add(tap);
  }

  /**
   * The true labels of a file stream whose file has a {@code VIDEO.labels.csv} sidecar (the same
   * its summary's accuracy is computed from); empty for other streams.
   */
  public java.util.Optional<FileLabels> fileLabels(String stream) {
    return java.util.Optional.ofNullable(fileLabels.get(stream));
  }

  /**
   * Hands every result to {@code tap} once it is written (on the writer's thread: keep it quick),
   * besides the taps added before. A tap that throws is logged and the results go on.
   */
  public void tapResults(java.util.function.Consumer<FrameResult> tap) {
    resultTaps.add(tap);
  }

  private StreamItem arrived(StreamItem item) {
    if (item instanceof StreamItem.Frame f) {
      if (f.converted()) {
        for (java.util.function.Consumer<StreamItem.Frame> tap : frameTaps) {
          try {
            tap.accept(f);
          } catch (RuntimeException e) {
            log.warn("{}: a frame tap failed: {}", f.stream(), e.toString());
          }
        }
      }
      MetricsRegistry.Counters counters = metrics.stream(f.stream());
      if (!f.converted()) {
        // A frame its source shed goes no further: dropped before it is counted in, so that a
        // snapshot never sees it waiting.
        counters.dropped.increment();
        counters.droppedUnconverted.increment();
        if (f.late()) {
          counters.droppedLate.increment();
        }
      }
      // Counted last, just before the buffer takes it: a snapshot sees it waiting as briefly as
      // possible before it is kept or dropped.
      counters.framesIn.increment();
    }
    return item;
  }

  private void tellResultTaps(List<FrameResult> results) {
    for (java.util.function.Consumer<FrameResult> tap : resultTaps) {
      try {
        results.forEach(tap);
      } catch (RuntimeException e) {
        log.warn("a result tap failed: {}", e.toString());
      }
    }
  }

  /** False for a frame its source shed (not converted; counted as dropped on arrival). */
  private static boolean converted(StreamItem item) {
    return !(item instanceof StreamItem.Frame f) || f.converted();
  }
}
