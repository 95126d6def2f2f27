package io.vigil.pipeline.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValueFactory;
import io.vigil.engine.backend.Backend;
import io.vigil.engine.io.AtomicFiles;
import io.vigil.engine.model.Model;
import io.vigil.engine.train.TrainingListener;
import io.vigil.pipeline.analyze.OutputNames;
import io.vigil.pipeline.config.ConfigPaths;
import io.vigil.pipeline.control.ClipRetraining;
import io.vigil.pipeline.control.ControlEvent;
import io.vigil.pipeline.control.ControlPlane;
import io.vigil.pipeline.control.RealtimeStreams;
import io.vigil.pipeline.control.RetrainSettings;
import io.vigil.pipeline.realtime.RealtimePipeline;
import io.vigil.pipeline.realtime.RealtimeSettings;
import io.vigil.pipeline.realtime.SourceSpec;
import io.vigil.pipeline.realtime.StreamLabels;
import io.vigil.pipeline.registry.ModelRegistry;
import io.vigil.pipeline.registry.SlotSettings;
import io.vigil.pipeline.stream.EngineClassifier;
import io.vigil.pipeline.stream.EngineWarmUp;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * The real-time pipeline under its control plane, as {@code vigil run} and {@code vigil serve}
 * start it: the configuration read and the outputs checked first ({@link #prepare}), then the
 * registry's active version loaded, the pipeline and the actors started ({@link #start}).
 */
final class LiveRun implements AutoCloseable {

  final Config config;
  final ConfigPaths paths;
  final RealtimeSettings settings;
  final List<SourceSpec> sources;
  final Path outDir;
  final Path modelFile;
  final boolean modelAsked;
  final RetrainSettings retrain;
  final Map<String, StreamLabels> labels;
  final List<List<String>> acceptedClassLists;
  final CopyOnWriteArrayList<ControlEvent> journal = new CopyOnWriteArrayList<>();

  /** Told of every training run's progress (the service's metrics add theirs). */
  final CopyOnWriteArrayList<TrainingListener> trainingListeners = new CopyOnWriteArrayList<>();

  ModelRegistry registry;
  Model model;
  RealtimePipeline pipeline;
  RealtimeStreams live;
  ActorSystem<ControlPlane.Command> system;
  ControlPlane.Actors actors;

  private LiveRun(Config config, Path modelOption, Path outOption) throws IOException {
    this.config = config;
    this.settings = RealtimeSettings.from(config);
    // Every relative path of the configuration by one rule: the working directory, else vigil's
    // home.
    this.paths = RunPaths.paths();
    this.sources = SourceSpec.allFrom(config, paths);
    this.modelAsked = modelOption != null;
    this.modelFile =
        modelOption != null ? modelOption : paths.apply(config.getString("vigil.run.model"));
    this.outDir = outOption != null ? outOption : paths.apply(config.getString("vigil.run.out"));
    this.retrain = RetrainSettings.from(config, paths);
    this.labels = StreamLabels.allFrom(config, paths);
    this.acceptedClassLists = SlotSettings.acceptedClassLists(config);
    checkOutputs(outDir, sources);
  }

  /**
   * Reads what a run needs from {@code config} and checks, before any work, that its outputs can be
   * written.
   */
  static LiveRun prepare(Config config, Path modelOption, Path outOption) throws IOException {
    return new LiveRun(config, modelOption, outOption);
  }

  /**
   * Loads the model to serve (the registry's active version; a {@code --model} file, or the
   * configured one when the registry has none, published and made active first), warms the engine
   * up, starts the pipeline and the control plane, and waits until the initial streams run.
   */
  void start(Backend backend) throws Exception {
    registry = ModelRegistry.open(paths.apply(config.getString("vigil.registry.dir")));
    String version = servingVersion(registry, modelFile, modelAsked);
    model = registry.load(version, backend);
    EngineWarmUp.run(model, settings.maxBatch());
    CompletableFuture<RealtimePipeline> running = new CompletableFuture<>();
    Model m = model;
    ControlPlane.Parts parts =
        new ControlPlane.Parts(
            system -> {
              live =
                  new RealtimeStreams(
                      started(
                          running,
                          () ->
                              RealtimePipeline.start(
                                  system,
                                  settings,
                                  new EngineClassifier(m, settings.maxBatch(), settings.topK()),
                                  m.input(),
                                  outDir)));
              return live;
            },
            sources,
            registry,
            m,
            backend,
            new ClipRetraining(retrain, paths, fanOut(trainingListeners)),
            retrain,
            journal,
            labels,
            acceptedClassLists);
    // On SIGTERM or Ctrl-C the commands drain the streams themselves; Pekko's own shutdown hook
    // would stop the actor system, and the streams with it, before their summaries are out.
    system =
        ActorSystem.create(
            ControlPlane.create(parts),
            "vigil",
            config
                .withValue(
                    "pekko.coordinated-shutdown.run-by-jvm-shutdown-hook",
                    ConfigValueFactory.fromAnyRef("off"))
                .withValue(
                    "pekko.coordinated-shutdown.terminate-actor-system",
                    ConfigValueFactory.fromAnyRef("on")));
    pipeline = running.get(30, TimeUnit.SECONDS);
    actors = ControlPlane.started(system, Duration.ofSeconds(30));
  }

  /** One listener that tells each of {@code listeners}, as they are when it is told. */
  private static TrainingListener fanOut(List<TrainingListener> listeners) {
    return new TrainingListener() {
      @Override
      public void onProgress(io.vigil.engine.train.TrainingProgress p) {
        listeners.forEach(l -> l.onProgress(p));
      }

      @Override
      public void onEpochEnd(io.vigil.engine.train.EpochSummary s) {
        listeners.forEach(l -> l.onEpochEnd(s));
      }
    };
  }

  /**
   * Stops the actor system (the pipeline must have been stopped first); the registry actor lets go
   * of the model it serves when it stops. A run that failed before the actors started lets go of
   * the model it loaded here.
   */
  @Override
  public void close() throws Exception {
    if (system != null) {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } else if (model != null) {
      model.close();
    }
  }

  /**
   * Before any work: the results folder takes files, no stream's results or summary is a directory,
   * and every annotated video's folder takes files; the summaries' temporary files a killed run
   * left are removed.
   */
  private static void checkOutputs(Path outDir, List<SourceSpec> sources) throws IOException {
    AtomicFiles.checkFolder(outDir);
    for (SourceSpec s : sources) {
      AtomicFiles.checkWritable(OutputNames.results(outDir, s.id()));
      AtomicFiles.checkWritable(OutputNames.summary(outDir, s.id()));
      AtomicFiles.removeLeftovers(OutputNames.summary(outDir, s.id()));
      if (s.annotate() != null) {
        AtomicFiles.checkWritable(s.annotate());
      }
    }
  }

  /**
   * The version to serve: the registry's active one; or, when {@code --model} names a file or the
   * registry has no active version yet, that model file, published and made active.
   */
  private static String servingVersion(ModelRegistry registry, Path modelFile, boolean asked)
      throws IOException {
    Optional<String> active = registry.active();
    if (active.isPresent() && !asked) {
      return active.get();
    }
    String version = registry.importFile(modelFile).version();
    if (!active.equals(Optional.of(version))) {
      registry.setActive(version);
    }
    return version;
  }

  /** Starts the pipeline and completes {@code started} with it, or with why it did not start. */
  static RealtimePipeline started(
      CompletableFuture<RealtimePipeline> started, Supplier<RealtimePipeline> start) {
    try {
      RealtimePipeline p = start.get();
      started.complete(p);
      return p;
    } catch (RuntimeException e) {
      started.completeExceptionally(e);
      throw e;
    }
  }
}
