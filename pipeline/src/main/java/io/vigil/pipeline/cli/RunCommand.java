package io.vigil.pipeline.cli;

import com.typesafe.config.Config;
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
import io.vigil.pipeline.stream.PipelineMetrics;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code vigil run --config config/camera.conf}: the real-time pipeline over the streams the
 * configuration lists ({@code vigil.run.streams}), until they all end, {@code --duration} passes,
 * or Ctrl-C. Prints metrics as it goes and at the end; exits 1, listing them, if any stream failed,
 * and exits 1 if results were lost (a write failed while running). An output that cannot be written
 * is found before anything starts.
 *
 * <p>The streams run under the control plane ({@link ControlPlane}): the model served is the
 * registry's active version ({@code vigil.registry.dir}; a {@code --model} file, or the configured
 * one when the registry has none, is published and activated first), a version activated with
 * {@code vigil models activate} while it runs is swapped in, and with {@code vigil.retrain.enabled}
 * labeled clips dropped into the inbox are learned from and the better model swapped in.
 */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
      "Classifies live streams in real time: cameras, network URLs, or files paced at their frame"
          + " rate.",
      "Latency stays bounded: under overload the buffer drops frames (and counts them) as the"
          + " configuration's buffer policy says. Streams and settings: see config/camera.conf.",
      "Writes OUT/STREAM.jsonl as it goes and OUT/STREAM.summary.json when a stream ends.",
      "Serves the active version of the model registry (vigil.registry.dir; --model publishes and"
          + " activates a file first) and swaps in a version activated with `vigil models"
          + " activate` while it runs. With vigil.retrain.enabled (config/retrain.conf) it learns"
          + " from labeled clips dropped into the inbox and swaps the better model in."
    })
final class RunCommand implements Callable<Integer> {

  /** How long SIGTERM or Ctrl-C waits for the streams to drain before the JVM stops anyway. */
  static final Duration DRAIN_LIMIT = Duration.ofSeconds(30);

  @Spec CommandSpec spec;

  @Option(
      names = "--model",
      paramLabel = "FILE",
      description =
          "Model file to publish and serve (default: the registry's active version, else"
              + " vigil.run.model).")
  Path model;

  @Option(
      names = "--out",
      paramLabel = "DIR",
      description = "Results folder (default from config: vigil.run.out).")
  Path out;

  @Option(
      names = "--duration",
      paramLabel = "SECONDS",
      description = "Stop after this many seconds (default from config: vigil.run.duration).")
  Double duration;

  @Mixin RuntimeOptions runtime;

  @Override
  public Integer call() throws Exception {
    if (duration != null) {
      OptionRanges.notNegative("--duration", duration);
    }
    Backend backend = runtime.backend();
    Config config = runtime.config();
    RealtimeSettings settings = RealtimeSettings.from(config);
    // Every relative path of the configuration by one rule: the working directory, else vigil's
    // home.
    ConfigPaths paths = RunPaths.paths();
    List<SourceSpec> sources = SourceSpec.allFrom(config, paths);
    if (sources.isEmpty()) {
      throw new IllegalArgumentException(
          "no streams to run: list them under vigil.run.streams (see config/camera.conf)");
    }
    Path modelFile = model != null ? model : paths.apply(config.getString("vigil.run.model"));
    Path outDir = out != null ? out : paths.apply(config.getString("vigil.run.out"));
    checkOutputs(outDir, sources);
    runtime.announce(spec.commandLine().getErr());
    Duration limit =
        duration != null
            ? Duration.ofMillis((long) (duration * 1000))
            : config.getDuration("vigil.run.duration");
    RetrainSettings retrain = RetrainSettings.from(config, paths);
    ModelRegistry registry =
        ModelRegistry.open(paths.apply(config.getString("vigil.registry.dir")));
    String version = servingVersion(registry, modelFile, model != null);
    Model m = registry.load(version, backend);
    var stdout = spec.commandLine().getOut();
    EngineWarmUp.run(m, settings.maxBatch());
    var stderr = spec.commandLine().getErr();
    CompletableFuture<RealtimePipeline> running = new CompletableFuture<>();
    CopyOnWriteArrayList<ControlEvent> journal = new CopyOnWriteArrayList<>();
    ControlPlane.Parts parts =
        new ControlPlane.Parts(
            system ->
                new RealtimeStreams(
                    started(
                        running,
                        () ->
                            RealtimePipeline.start(
                                system,
                                settings,
                                new EngineClassifier(m, settings.maxBatch(), settings.topK()),
                                m.input(),
                                outDir))),
            sources,
            registry,
            m,
            backend,
            new ClipRetraining(retrain, paths, TrainingListener.silent()),
            retrain,
            journal,
            StreamLabels.allFrom(config, paths),
            SlotSettings.acceptedClassLists(config));
    // On SIGTERM or Ctrl-C this command drains the streams itself (below); Pekko's own shutdown
    // hook would stop the actor system, and the streams with it, before their summaries are out.
    ActorSystem<ControlPlane.Command> system =
        ActorSystem.create(
            ControlPlane.create(parts),
            "vigil",
            config
                .withValue(
                    "pekko.coordinated-shutdown.run-by-jvm-shutdown-hook",
                    com.typesafe.config.ConfigValueFactory.fromAnyRef("off"))
                .withValue(
                    "pekko.coordinated-shutdown.terminate-actor-system",
                    com.typesafe.config.ConfigValueFactory.fromAnyRef("on")));
    CountDownLatch interrupted = new CountDownLatch(1);
    CountDownLatch drained = new CountDownLatch(1);
    // The JVM stops once its shutdown hooks return: this one holds it until the streams have
    // drained, every summary is written and the metrics are printed (or DRAIN_LIMIT passed).
    Thread hook =
        new Thread(
            () -> {
              interrupted.countDown();
              try {
                drained.await(DRAIN_LIMIT.toSeconds(), TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "vigil-run-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      RealtimePipeline pipeline = running.get(30, TimeUnit.SECONDS);
      ControlPlane.started(system, Duration.ofSeconds(30));
      stderr.printf(
          "run: %d streams, model %s (registry %s), buffer %d (%s), results in %s%s%n",
          sources.size(),
          m.version(),
          registry.dir(),
          settings.bufferSize(),
          settings.dropPolicy(),
          outDir,
          retrain.enabled() ? "; retraining from labeled clips in " + retrain.inbox() : "");
      long started = System.nanoTime();
      long lastPrint = started;
      long interval = settings.metricsInterval().toNanos();
      int printed = 0;
      while (!pipeline.streams().isEmpty()) {
        if (interrupted.await(100, TimeUnit.MILLISECONDS)
            || pipeline.terminated().toCompletableFuture().isDone()) {
          break;
        }
        for (; printed < journal.size(); printed++) {
          stderr.println("run: " + journal.get(printed).describe());
        }
        long now = System.nanoTime();
        if (!limit.isZero() && now - started >= limit.toNanos()) {
          break;
        }
        if (interval > 0 && now - lastPrint >= interval) {
          lastPrint = now;
          stderr.print(pipeline.metrics().describe());
          stderr.flush();
        }
      }
      PipelineMetrics end = pipeline.stop(Duration.ofSeconds(10));
      stdout.printf("run ended after %.1f s%n", (System.nanoTime() - started) / 1e9);
      stdout.print(end.describe());
      stdout.println("results: " + outDir);
      stdout.flush();
      Throwable lost = failure(pipeline);
      if (lost != null) {
        stderr.println("vigil run: results were lost: " + Main.oneLine(lost));
        return Main.FAILED;
      }
      if (!pipeline.failures().isEmpty()) {
        stderr.println(
            "vigil run: "
                + pipeline.failures().size()
                + " of "
                + sources.size()
                + " streams failed:");
        pipeline.failures().values().forEach(reason -> stderr.println("  " + reason));
        return Main.FAILED;
      }
      return 0;
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // Ctrl-C: the JVM is already stopping, the hook has run.
      }
      try {
        system.terminate();
        system.getWhenTerminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
      } finally {
        drained.countDown();
      }
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

  /** Why the pipeline stopped on its own before it was stopped (results were lost), or null. */
  private static Throwable failure(RealtimePipeline pipeline) {
    CompletableFuture<?> done = pipeline.terminated().toCompletableFuture();
    if (!done.isCompletedExceptionally()) {
      return null;
    }
    try {
      done.join();
      return null;
    } catch (CompletionException | CancellationException e) {
      return e.getCause() != null ? e.getCause() : e;
    }
  }

  /**
   * The version to serve: the registry's active one; or, when {@code --model} names a file or the
   * registry has no active version yet, that model file, published and made active.
   */
  private static String servingVersion(ModelRegistry registry, Path modelFile, boolean asked)
      throws java.io.IOException {
    java.util.Optional<String> active = registry.active();
    if (active.isPresent() && !asked) {
      return active.get();
    }
    String version = registry.importFile(modelFile).version();
    if (!active.equals(java.util.Optional.of(version))) {
      registry.setActive(version);
    }
    return version;
  }

  /** Starts the pipeline and completes {@code started} with it, or with why it did not start. */
  static RealtimePipeline started(
      CompletableFuture<RealtimePipeline> started,
      java.util.function.Supplier<RealtimePipeline> start) {
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
