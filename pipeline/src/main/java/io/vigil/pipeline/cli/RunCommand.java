package io.vigil.pipeline.cli;

import com.typesafe.config.Config;
import io.vigil.engine.backend.Backend;
import io.vigil.pipeline.control.ControlEvent;
import io.vigil.pipeline.control.ControlPlane;
import io.vigil.pipeline.realtime.RealtimePipeline;
import io.vigil.pipeline.realtime.SourceSpec;
import io.vigil.pipeline.stream.PipelineMetrics;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
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

  @Mixin LiveRunOptions live;

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
    LiveRun run = live.prepare(config);
    List<SourceSpec> sources = run.sources;
    if (sources.isEmpty()) {
      throw new IllegalArgumentException(
          "no streams to run: list them under vigil.run.streams (see config/camera.conf)");
    }
    runtime.announce(spec.commandLine().getErr());
    Duration limit =
        duration != null
            ? Duration.ofMillis((long) (duration * 1000))
            : config.getDuration("vigil.run.duration");
    var stdout = spec.commandLine().getOut();
    var stderr = spec.commandLine().getErr();
    CountDownLatch interrupted = new CountDownLatch(1);
    CountDownLatch drained = new CountDownLatch(1);
    Thread hook = DrainHook.install(interrupted, drained, DRAIN_LIMIT, "vigil-run-stop");
    try {
      run.start(backend);
      RealtimePipeline pipeline = run.pipeline;
      List<ControlEvent> journal = run.journal;
      stderr.printf(
          "run: %d streams, model %s (registry %s), buffer %d (%s), results in %s%s%n",
          sources.size(),
          run.model.version(),
          run.registry.dir(),
          run.settings.bufferSize(),
          run.settings.dropPolicy(),
          run.outDir,
          run.retrain.enabled() ? "; retraining from labeled clips in " + run.retrain.inbox() : "");
      long started = System.nanoTime();
      long lastPrint = started;
      long interval = run.settings.metricsInterval().toNanos();
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
      stdout.println("results: " + run.outDir);
      stdout.flush();
      return outcome(pipeline, sources.size(), stderr);
    } finally {
      DrainHook.remove(hook);
      try {
        run.close();
      } finally {
        drained.countDown();
      }
    }
  }

  /**
   * 0 when every result was written and no stream failed; 1, saying why, when results were lost or
   * streams failed.
   */
  static int outcome(RealtimePipeline pipeline, int streams, java.io.PrintWriter stderr) {
    Throwable lost = failure(pipeline);
    if (lost != null) {
      stderr.println("vigil run: results were lost: " + Main.oneLine(lost));
      return Main.FAILED;
    }
    if (!pipeline.failures().isEmpty()) {
      stderr.println(
          "vigil run: " + pipeline.failures().size() + " of " + streams + " streams failed:");
      pipeline.failures().values().forEach(reason -> stderr.println("  " + reason));
      return Main.FAILED;
    }
    return 0;
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
}
