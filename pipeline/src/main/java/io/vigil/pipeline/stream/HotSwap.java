package io.vigil.pipeline.stream;

import io.vigil.engine.model.InputContract;
import io.vigil.engine.model.Model;
import io.vigil.pipeline.frame.FrameClassifier;
import io.vigil.pipeline.frame.StreamItem;
import io.vigil.pipeline.frame.WindowSampling;
import io.vigil.pipeline.result.FrameResult;
import io.vigil.pipeline.result.LabelScore;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The hot-swap procedure both pipelines share: checks that a model fits the running pipeline,
 * builds its classifier, runs one trial batch on it, and only then offers it to the pipeline's
 * {@link ClassifierSlot} (load before unload). Building and the trial run on a loader thread of
 * their own, one swap after another in call order, beside the engine thread, which goes on
 * classifying on the old model meanwhile.
 *
 * <p>A model fits when its input contract equals the pipeline's (size, channels, normalisation) and
 * its class names are the slot's, in the same order. The trial batch is {@code trialBatch} frames
 * of the contract's mean (all zeros after normalisation); it passes when the classifier answers one
 * result per frame, each of the model's version with finite scores. The classifier must also report
 * the model's version and class names and prepare windows as the first one does ({@link
 * FrameClassifier#windowSampling()}: the decoders prepare frames for that one). The inference stage
 * keeps the parallelism it was built with for the first classifier: one swapped in that could keep
 * more batches in flight gets no more than that.
 */
public final class HotSwap implements ModelSwapTarget, AutoCloseable {

  private final ClassifierSlot slot;
  private final InputContract contract;
  private final Function<Model, FrameClassifier> loader;
  private final int trialBatch;
  private final Executor loads;
  private final ExecutorService ownLoads;
  private final WindowSampling windowSampling;

  /**
   * A swap procedure with a loader thread of its own, stopped by {@link #close}.
   *
   * @param slot the pipeline's classifier slot
   * @param contract the input the pipeline's decoders prepare
   * @param loader builds a classifier for a model, with the pipeline's batch size and top-k
   * @param trialBatch frames in the trial batch: the pipeline's largest batch
   * @param windowSampling what the pipeline's decoders prepare for window scoring (the first
   *     classifier's {@link FrameClassifier#windowSampling()}); null for whole frames only
   */
  public HotSwap(
      ClassifierSlot slot,
      InputContract contract,
      Function<Model, FrameClassifier> loader,
      int trialBatch,
      WindowSampling windowSampling) {
    this(slot, contract, loader, trialBatch, windowSampling, null);
  }

  /**
   * As the other constructor, with the loads run by {@code loads}, which must run them one at a
   * time in the order given (a caller-runs executor makes {@link #swap} offer the new classifier
   * before it returns); null for a loader thread of its own.
   */
  public HotSwap(
      ClassifierSlot slot,
      InputContract contract,
      Function<Model, FrameClassifier> loader,
      int trialBatch,
      WindowSampling windowSampling,
      Executor loads) {
    if (trialBatch < 1) {
      throw new IllegalArgumentException("trial batch must be at least 1 frame, got " + trialBatch);
    }
    this.slot = Objects.requireNonNull(slot, "slot");
    this.contract = Objects.requireNonNull(contract, "input contract");
    this.loader = Objects.requireNonNull(loader, "classifier loader");
    this.trialBatch = trialBatch;
    this.windowSampling = windowSampling;
    if (loads == null) {
      this.ownLoads =
          Executors.newSingleThreadExecutor(
              r -> {
                Thread t = new Thread(r, "vigil-model-loader");
                t.setDaemon(true);
                return t;
              });
      this.loads = ownLoads;
    } else {
      this.ownLoads = null;
      this.loads = loads;
    }
  }

  @Override
  public String modelVersion() {
    return slot.modelVersion();
  }

  @Override
  public CompletionStage<SwapReport> swap(Model model) {
    long called = System.nanoTime();
    CompletableFuture<SwapReport> report = new CompletableFuture<>();
    String serving = slot.modelVersion();
    String misfit = misfit(model);
    if (misfit != null) {
      report.completeExceptionally(
          new IllegalArgumentException(
              "model "
                  + model.version()
                  + " does not fit the pipeline serving "
                  + serving
                  + ": "
                  + misfit
                  + "; "
                  + serving
                  + " keeps serving"));
      return report;
    }
    try {
      loads.execute(() -> load(model, serving, called, report));
    } catch (RejectedExecutionException e) {
      report.completeExceptionally(
          new IllegalStateException(
              "cannot swap in " + model.version() + ": the pipeline is closed", e));
    }
    return report;
  }

  /** Stops the loader thread (if this owns one), after the load under way; later swaps fail. */
  @Override
  public void close() throws InterruptedException {
    if (ownLoads != null) {
      ownLoads.shutdown();
      ownLoads.awaitTermination(30, TimeUnit.SECONDS);
    }
  }

  /** What makes {@code model} unfit for the pipeline, or null when it fits. */
  private String misfit(Model model) {
    List<String> problems = new ArrayList<>(2);
    if (!model.input().equals(contract)) {
      problems.add(
          "its input is " + describe(model.input()) + ", the pipeline's " + describe(contract));
    }
    if (!model.classNames().equals(slot.classNames())) {
      problems.add(
          "its classes are " + model.classNames() + ", the pipeline's " + slot.classNames());
    }
    return problems.isEmpty() ? null : String.join("; ", problems);
  }

  private static String describe(InputContract c) {
    return c.channels()
        + "×"
        + c.height()
        + "×"
        + c.width()
        + " (mean "
        + (c.uniform() ? String.valueOf(c.mean()) : Arrays.toString(c.means()))
        + ", std "
        + (c.uniform() ? String.valueOf(c.std()) : Arrays.toString(c.stds()))
        + ")";
  }

  /** Builds, tries and offers; on the loader thread. */
  private void load(
      Model model, String serving, long called, CompletableFuture<SwapReport> report) {
    if (slot.isClosed()) {
      report.completeExceptionally(
          new java.util.concurrent.CancellationException(
              "swap to " + model.version() + " cancelled: the pipeline closed before it loaded"));
      return;
    }
    long started = System.nanoTime();
    FrameClassifier next;
    try {
      next = loader.apply(model);
    } catch (RuntimeException e) {
      report.completeExceptionally(
          new IllegalStateException(
              "loading " + model.version() + " failed, " + serving + " keeps serving: " + e, e));
      return;
    }
    try {
      trial(next, model);
    } catch (RuntimeException e) {
      try {
        next.close();
      } catch (RuntimeException closing) {
        e.addSuppressed(closing);
      }
      report.completeExceptionally(
          new IllegalStateException(
              model.version()
                  + " failed its trial batch of "
                  + trialBatch
                  + " frames, "
                  + serving
                  + " keeps serving: "
                  + (e.getMessage() != null ? e.getMessage() : e.toString()),
              e));
      return;
    }
    double loadMillis = (System.nanoTime() - started) / 1e6;
    slot.offer(next, new ClassifierSlot.Swap(serving, called, loadMillis, report));
  }

  /**
   * Runs the trial batch on {@code next}.
   *
   * @throws RuntimeException what the classifier threw, or an {@link IllegalStateException} saying
   *     which answer was wrong
   */
  private void trial(FrameClassifier next, Model model) {
    String version = model.version();
    if (!version.equals(next.modelVersion())) {
      throw new IllegalStateException(
          "the classifier built for it reports version " + next.modelVersion());
    }
    if (!next.classNames().equals(slot.classNames())) {
      throw new IllegalStateException(
          "the classifier built for it has classes " + next.classNames());
    }
    if (!Objects.equals(next.windowSampling(), windowSampling)) {
      throw new IllegalStateException(
          "the classifier built for it prepares windows as "
              + next.windowSampling()
              + ", the pipeline's decoders as "
              + windowSampling);
    }
    List<StreamItem.Frame> frames = new ArrayList<>(trialBatch);
    long now = System.nanoTime();
    for (int i = 0; i < trialBatch; i++) {
      frames.add(new StreamItem.Frame("trial", i, 0, now, 0, new float[contract.size()]));
    }
    List<FrameResult> results = next.classify(frames);
    if (results.size() != trialBatch) {
      throw new IllegalStateException(
          "it answered " + results.size() + " results for " + trialBatch + " frames");
    }
    for (FrameResult r : results) {
      if (!version.equals(r.model())) {
        throw new IllegalStateException(
            "frame " + r.frame() + "'s result names the model " + r.model());
      }
      if (r.top().isEmpty()) {
        throw new IllegalStateException("frame " + r.frame() + " got no label");
      }
      for (LabelScore s : r.top()) {
        if (!Float.isFinite(s.score())) {
          throw new IllegalStateException(
              "frame " + r.frame() + " scored " + s.score() + " for " + s.label());
        }
      }
    }
  }
}
