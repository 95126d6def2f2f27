package io.vigil.pipeline.stream;

import io.vigil.pipeline.frame.FrameClassifier;
import io.vigil.pipeline.frame.StreamItem;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * The engine side of a pipeline's inference stage: runs batches on the engine's one thread with up
 * to {@link FrameClassifier#maxInFlight()} of them started and not yet collected, and completes
 * their futures in the order the batches came. The stage is {@code
 * mapAsync(parallelism(classifier), items -> window.classify(items, classifier))}: mapAsync keeps
 * the batches in order downstream and bounds how many the window holds; the window bounds how many
 * of those are started.
 *
 * <p>Each batch brings two tasks to the engine's executor, which must run them one at a time in the
 * order given (a single-thread executor). A task starts the oldest waiting batch while the window
 * has room, and otherwise collects the oldest batch started. So batch k+1 is started, and its
 * pixels copied and uploaded, before the engine waits for batch k, whenever k+1 has arrived by
 * then; and batch k+1 is collected only after batch k+2 has had its chance to start. With a window
 * of one (the CPU) a batch is started and collected before the next starts, as a whole {@link
 * FrameClassifier#classify} would. Batches are collected in start order and each exactly once, so
 * none is lost or repeated.
 *
 * <p>Hot swap: the classifier is given per batch, read once for the whole batch. A batch on a
 * classifier other than the one before it waits until every batch of the old one is collected; the
 * old one is then closed, on the engine thread, before the new one starts, and must not be given to
 * the window again. The classifier of the last batch started (and any that never got a batch) is
 * its owner's to close, after the last batch has completed.
 *
 * <p>A batch whose start or collect throws completes exceptionally, at its turn in the order, as a
 * {@link CompletableFuture#supplyAsync} of the classification would have; the batches after it
 * still run.
 */
public final class InferenceWindow {

  private static final org.slf4j.Logger log =
      org.slf4j.LoggerFactory.getLogger(InferenceWindow.class);

  private final Executor engine;

  /** Batches given to {@link #classify} and not yet started; added by the stream, taken here. */
  private final Queue<Waiting> waiting = new ConcurrentLinkedQueue<>();

  /** Batches started and not yet collected, oldest first; touched by the engine thread only. */
  private final ArrayDeque<Started> started = new ArrayDeque<>();

  /** The classifier of the batches started last; engine thread only. */
  private FrameClassifier current;

  /**
   * @param engine runs one task at a time, in the order given (a single-thread executor); the
   *     classifiers run on it only
   */
  public InferenceWindow(Executor engine) {
    this.engine = engine;
  }

  /**
   * How many batches the inference stage should hold for {@code classifier}: 1 where batches run
   * one at a time (the CPU: as before the window, the next batch is gathered only once this one is
   * out), else {@link FrameClassifier#maxInFlight()} + 1. The extra batch is gathered and waiting
   * when the oldest is collected, and starts at once: mapAsync asks upstream for a new batch only
   * after the oldest has left, by which time the engine has gone on to wait for the next batch in
   * flight, and the device would finish that one with nothing queued behind it.
   */
  public static int parallelism(FrameClassifier classifier) {
    int inFlight = classifier.maxInFlight();
    return inFlight == 1 ? 1 : inFlight + 1;
  }

  /**
   * The batch {@code items} after {@code classifier}: completes when its results are collected,
   * after every batch given before it. A batch of markers only completes at once, without the
   * engine.
   *
   * @throws java.util.concurrent.RejectedExecutionException when the engine no longer takes tasks
   */
  public CompletableFuture<ClassifiedBatch> classify(
      List<StreamItem> items, FrameClassifier classifier) {
    if (!ClassifiedBatch.hasFrames(items)) {
      return CompletableFuture.completedFuture(ClassifiedBatch.start(items, classifier).get());
    }
    if (classifier.maxInFlight() < 1) {
      throw new IllegalArgumentException(
          "classifier for "
              + classifier.modelVersion()
              + ": maxInFlight must be ≥ 1, got "
              + classifier.maxInFlight());
    }
    CompletableFuture<ClassifiedBatch> result = new CompletableFuture<>();
    waiting.add(new Waiting(items, classifier, result));
    // One task for its start and one for its collect, though either may act on another batch:
    // there are always as many tasks queued as starts and collects left to do.
    engine.execute(this::step);
    engine.execute(this::step);
    return result;
  }

  /** Starts the oldest waiting batch if the window lets it, else collects the oldest started. */
  private void step() {
    Waiting next = waiting.peek();
    if (next != null && mayStart(next.classifier())) {
      waiting.remove();
      start(next);
    } else {
      collect(started.remove());
    }
  }

  /** Whether a batch on {@code classifier} may start now. */
  private boolean mayStart(FrameClassifier classifier) {
    if (started.isEmpty()) {
      return true;
    }
    // Never beside the batches of another classifier: they are collected first (a hot swap).
    return classifier == current && started.size() < classifier.maxInFlight();
  }

  private void start(Waiting batch) {
    if (batch.classifier() != current) {
      retire(current);
      current = batch.classifier();
    }
    try {
      started.add(
          new Started(
              ClassifiedBatch.start(batch.items(), batch.classifier()), null, batch.result()));
    } catch (Throwable e) {
      // Reported at the batch's turn, so that the batches before it complete first.
      started.add(new Started(null, e, batch.result()));
    }
  }

  private static void collect(Started batch) {
    if (batch.failure() != null) {
      fail(batch.result(), batch.failure());
      return;
    }
    try {
      batch.result().complete(batch.results().get());
    } catch (Throwable e) {
      fail(batch.result(), e);
    }
  }

  /** Fails {@code result} the way a failed {@code supplyAsync} does: wrapped once. */
  private static void fail(CompletableFuture<ClassifiedBatch> result, Throwable e) {
    result.completeExceptionally(e instanceof CompletionException ? e : new CompletionException(e));
  }

  /** Closes a classifier swapped out, now that none of its batches is in flight. */
  private static void retire(FrameClassifier old) {
    if (old == null) {
      return;
    }
    try {
      old.close();
    } catch (RuntimeException e) {
      // The new model runs regardless; what the old one failed to free is said, not hidden.
      log.warn("closing the classifier for {} after a swap failed: {}", old.modelVersion(), e);
    }
  }

  private record Waiting(
      List<StreamItem> items,
      FrameClassifier classifier,
      CompletableFuture<ClassifiedBatch> result) {}

  /**
   * A batch started: its results to collect, or why it could not start.
   *
   * @param results the supplier from {@link ClassifiedBatch#start}; null when the start failed
   * @param failure what the start threw; null when it did not
   */
  private record Started(
      Supplier<ClassifiedBatch> results,
      Throwable failure,
      CompletableFuture<ClassifiedBatch> result) {}
}
