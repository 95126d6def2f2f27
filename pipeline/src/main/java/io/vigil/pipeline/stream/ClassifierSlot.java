package io.vigil.pipeline.stream;

import io.vigil.pipeline.frame.FrameClassifier;
import io.vigil.pipeline.frame.StreamItem;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * The classifier a pipeline's inference stage runs, and the one place a hot swap changes it. The
 * stage is {@code mapAsync(parallelism, items -> slot.classify(items, window))}: it reads the slot
 * once per batch, so a batch runs whole on one classifier. {@link HotSwap} offers a new classifier
 * once it is built and has passed its trial batch; the next batch with frames takes it; the {@link
 * InferenceWindow} closes the old one after the old one's last batch. The sink calls {@link
 * #delivered} after writing each batch, which completes a swap's report at the first result of its
 * version.
 *
 * <p>No locks: the classifier on offer is an immutable entry behind an atomic reference, with an
 * atomic state. An entry leaves {@code FRESH} exactly once, either taken by the stage for a batch
 * with frames or discarded by the offer that replaces it (or by {@link #close}), whichever comes
 * first. So each classifier is either used (the window retires it when the next one starts, or
 * {@link #close} closes it as the last one used) or discarded and closed here before any batch,
 * never both and never neither: a swap superseded before its first batch leaks nothing.
 */
public final class ClassifierSlot {

  private static final int FRESH = 0;
  private static final int TAKEN = 1;
  private static final int DISCARDED = 2;

  /** On offer once the slot is closed: no classifier; offers are refused. */
  private static final Entry CLOSED = new Entry(null, "closed", null);

  private final List<String> classNames;
  private final AtomicReference<Entry> offered;

  /** The entry of the latest batch with frames; written by the stage only. */
  private volatile Entry lastTaken;

  /** Results written per version, all streams. */
  private final ConcurrentHashMap<String, LongAdder> written = new ConcurrentHashMap<>();

  /** Swap reports not yet completed, failed by {@link #close}. */
  private final Set<CompletableFuture<SwapReport>> unreported = ConcurrentHashMap.newKeySet();

  /**
   * @param first the classifier the first batch runs on; the slot's class names are its
   */
  public ClassifierSlot(FrameClassifier first) {
    this.classNames = List.copyOf(first.classNames());
    this.offered = new AtomicReference<>(new Entry(first, first.modelVersion(), null));
  }

  /** The class names every classifier in this slot has, in index order. */
  public List<String> classNames() {
    return classNames;
  }

  /**
   * The version of the classifier that took the latest batch with frames; before any, of the one on
   * offer.
   */
  public String modelVersion() {
    Entry last = lastTaken;
    return last != null ? last.version : offered.get().version;
  }

  /**
   * The inference stage's function: {@code items} classified by {@code window} on the classifier on
   * offer now, read once for the whole batch. A batch of markers only takes no classifier.
   *
   * @throws IllegalStateException when the slot is closed and {@code items} holds frames
   */
  public CompletableFuture<Served> classify(List<StreamItem> items, InferenceWindow window) {
    if (!ClassifiedBatch.hasFrames(items)) {
      // The window completes it at once without touching the classifier.
      return window.classify(items, offered.get().classifier).thenApply(b -> new Served(b, null));
    }
    Entry entry = take();
    return window.classify(items, entry.classifier).thenApply(b -> new Served(b, entry));
  }

  /**
   * Notes that {@code batch}'s results have been written: counts them for their version, and
   * completes the report of the swap that brought that version in, if this is its first result.
   * Called by the sink, in batch order.
   */
  public void delivered(Served batch) {
    Entry entry = batch.entry;
    int results = batch.batch().results().size();
    if (entry == null || results == 0) {
      return;
    }
    Swap swap = entry.swap;
    if (swap != null && !swap.report().isDone()) {
      String from = entry.from != null ? entry.from : swap.fromAtCall();
      LongAdder before = written.get(from);
      swap.report()
          .complete(
              new SwapReport(
                  from,
                  entry.version,
                  swap.loadMillis(),
                  (System.nanoTime() - swap.calledNanos()) / 1e6,
                  before == null ? 0 : before.sum()));
      unreported.remove(swap.report());
    }
    written.computeIfAbsent(entry.version, v -> new LongAdder()).add(results);
  }

  /**
   * Puts {@code next} on offer for the next batch with frames. A classifier on offer that no batch
   * has taken is closed and its swap cancelled (superseded). On a closed slot, {@code next} is
   * closed and its swap cancelled instead.
   *
   * @param next built and through its trial batch; the slot (or the window) closes it from now on
   * @param swap whose report completes at {@code next}'s first result
   * @return whether {@code next} is on offer
   */
  boolean offer(FrameClassifier next, Swap swap) {
    Entry fresh = new Entry(next, next.modelVersion(), swap);
    unreported.add(swap.report());
    Entry old;
    do {
      old = offered.get();
      if (old == CLOSED) {
        discard(fresh, "the pipeline closed before it was swapped in");
        return false;
      }
    } while (!offered.compareAndSet(old, fresh));
    if (old.state.compareAndSet(FRESH, DISCARDED)) {
      discard(old, "a swap to " + fresh.version + " superseded it before its first batch");
    }
    return true;
  }

  /** Whether {@link #close} has been called. */
  boolean isClosed() {
    return offered.get() == CLOSED;
  }

  /**
   * Closes the classifier the last batch ran on and any on offer that no batch took, and cancels
   * the swaps whose first result has not come out. Call once the last batch has completed (after
   * the engine has stopped); later offers are refused.
   */
  public void close() {
    Entry onOffer = offered.getAndSet(CLOSED);
    if (onOffer == CLOSED) {
      return;
    }
    if (onOffer.state.compareAndSet(FRESH, DISCARDED)) {
      discard(onOffer, "the pipeline closed before its first batch");
    }
    Entry last = lastTaken;
    if (last != null) {
      closeQuietly(last.classifier);
    }
    for (CompletableFuture<SwapReport> report : unreported) {
      report.completeExceptionally(
          new CancellationException("the pipeline closed before the swap's first result"));
    }
    unreported.clear();
  }

  /** The entry on offer, marked taken; the stage's only way to a classifier. */
  private Entry take() {
    while (true) {
      Entry entry = offered.get();
      if (entry == CLOSED) {
        throw new IllegalStateException("the pipeline's classifier is closed; no batch may start");
      }
      int state = entry.state.get();
      if (state == TAKEN) {
        return entry;
      }
      if (state == FRESH && entry.state.compareAndSet(FRESH, TAKEN)) {
        Entry previous = lastTaken;
        entry.from = previous == null ? null : previous.version;
        lastTaken = entry;
        return entry;
      }
      // Discarded: a newer entry is on offer already; read again.
    }
  }

  private void discard(Entry entry, String why) {
    closeQuietly(entry.classifier);
    if (entry.swap != null) {
      entry
          .swap
          .report()
          .completeExceptionally(
              new CancellationException("swap to " + entry.version + " cancelled: " + why));
      unreported.remove(entry.swap.report());
    }
  }

  private static void closeQuietly(FrameClassifier classifier) {
    try {
      classifier.close();
    } catch (RuntimeException e) {
      // Whatever it failed to free is said; the pipeline goes on with its current classifier.
      org.slf4j.LoggerFactory.getLogger(ClassifierSlot.class)
          .warn(
              "closing the classifier for {} failed: {}", classifier.modelVersion(), e.toString());
    }
  }

  /**
   * A swap waiting for its first result.
   *
   * @param fromAtCall the version serving when the swap was called (the report's {@code from} if no
   *     batch ran before the new one's first)
   * @param calledNanos {@link System#nanoTime()} at the swap call
   * @param loadMillis building the classifier plus its trial batch
   * @param report completed at the first result of the new version
   */
  record Swap(
      String fromAtCall,
      long calledNanos,
      double loadMillis,
      CompletableFuture<SwapReport> report) {}

  /** A classifier on offer (or taken), with the swap that brought it. */
  private static final class Entry {
    final FrameClassifier classifier;
    final String version;
    final Swap swap;
    final AtomicInteger state = new AtomicInteger(FRESH);

    /** The version taken before this one; set by the stage when it first takes this one. */
    volatile String from;

    Entry(FrameClassifier classifier, String version, Swap swap) {
      this.classifier = classifier;
      this.version = version;
      this.swap = swap;
    }
  }

  /** A batch after the engine, with the classifier that produced it (for {@link #delivered}). */
  public static final class Served {
    private final ClassifiedBatch batch;
    private final Entry entry;

    private Served(ClassifiedBatch batch, Entry entry) {
      this.batch = batch;
      this.entry = entry;
    }

    /** The batch's results and markers. */
    public ClassifiedBatch batch() {
      return batch;
    }
  }
}
