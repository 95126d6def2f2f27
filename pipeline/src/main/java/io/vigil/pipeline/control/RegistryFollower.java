package io.vigil.pipeline.control;

import io.vigil.engine.backend.Backend;
import io.vigil.engine.model.Model;
import io.vigil.pipeline.registry.ModelRegistry;
import io.vigil.pipeline.stream.ModelSwapTarget;
import io.vigil.pipeline.stream.SwapReport;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Keeps a pipeline that runs without the control plane ({@code vigil analyze --registry DIR}) on a
 * registry's active version: looks at the registry every interval and, when another version has
 * been made active ({@code vigil models activate|rollback}), loads it and swaps it in between
 * batches (the pipeline tries it on one batch first; a version it refuses is not tried again until
 * the active version changes once more). Says what happened through {@code report}, one line each.
 */
public final class RegistryFollower implements AutoCloseable {

  private final ModelRegistry registry;
  private final ModelSwapTarget target;
  private final Backend backend;
  private final Consumer<String> report;
  private final ScheduledExecutorService timer;

  /** The last active version acted on (tried, whatever came of it); touched by the timer only. */
  private String lastTried;

  /**
   * A follower that does not look by itself: {@link #check()} is called by its owner (tests).
   *
   * @param report hears one line per swap or refusal
   */
  RegistryFollower(
      ModelRegistry registry, ModelSwapTarget target, Backend backend, Consumer<String> report) {
    this.registry = registry;
    this.target = target;
    this.backend = backend;
    this.report = report;
    this.timer = null;
  }

  private RegistryFollower(
      ModelRegistry registry,
      ModelSwapTarget target,
      Backend backend,
      Consumer<String> report,
      Duration every) {
    this.registry = registry;
    this.target = target;
    this.backend = backend;
    this.report = report;
    this.lastTried = target.modelVersion();
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "vigil-registry-follower");
              t.setDaemon(true);
              return t;
            });
    timer.scheduleWithFixedDelay(
        this::check, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Starts following: looks every {@code every}; {@link #close()} stops it. */
  public static RegistryFollower start(
      ModelRegistry registry,
      ModelSwapTarget target,
      Backend backend,
      Duration every,
      Consumer<String> report) {
    return new RegistryFollower(registry, target, backend, report, every);
  }

  /** Swaps the registry's active version in if it is new; returns the swap, if one began. */
  Optional<java.util.concurrent.CompletionStage<SwapReport>> check() {
    Optional<String> active;
    try {
      active = registry.active();
    } catch (RuntimeException e) {
      report.accept("cannot read the registry's active version: " + Trainer.describe(e));
      return Optional.empty();
    }
    if (active.isEmpty()
        || active.get().equals(lastTried)
        || active.get().equals(target.modelVersion())) {
      return Optional.empty();
    }
    String version = active.get();
    lastTried = version;
    Model model;
    try {
      model = registry.load(version, backend);
    } catch (Exception e) {
      report.accept("not swapping to " + version + ": " + Trainer.describe(e));
      return Optional.empty();
    }
    java.util.concurrent.CompletionStage<SwapReport> swap = target.swap(model);
    swap.whenComplete(
        (r, failure) -> {
          // The classifier built for it holds it while it serves; the follower lets go either way.
          model.close();
          report.accept(
              failure == null
                  ? String.format(
                      java.util.Locale.ROOT,
                      "swapped %s → %s (first result %.0f ms after the swap)",
                      r.fromVersion(),
                      r.toVersion(),
                      r.toFirstResultMillis())
                  : "not swapping to " + version + ": " + Trainer.describe(unwrap(failure)));
        });
    return Optional.of(swap);
  }

  private static Throwable unwrap(Throwable t) {
    while (t instanceof java.util.concurrent.CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  @Override
  public void close() {
    if (timer != null) {
      timer.shutdownNow();
    }
  }
}
