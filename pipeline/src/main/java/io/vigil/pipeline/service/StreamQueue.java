package io.vigil.pipeline.service;

import io.vigil.pipeline.frame.PixelLease;
import io.vigil.pipeline.result.FrameResult;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One stream's part of the labeling queue: frames waiting for their result, results that came
 * before their frame, and the doubtful frames kept for labeling. Every part is bounded: at most
 * {@code maxPending} frames and as many early results (the oldest go first), at most {@code
 * perStream} items (the surest go first), at least {@code minGap} frames apart. Not thread-safe:
 * {@link LabelingQueue} guards it.
 */
final class StreamQueue {

  private final int perStream;
  private final int minGap;
  private final int maxPending;

  /** Model input of frames without a result yet, by frame index; each held here until removed. */
  private final TreeMap<Long, PixelLease> pending = new TreeMap<>();

  /** Results whose frame has not come (yet), by frame index. */
  private final TreeMap<Long, FrameResult> early = new TreeMap<>();

  private final TreeSet<LabelingItem> items = new TreeSet<>(LabelingItem.LEAST_SURE_FIRST);
  private final TreeMap<Long, LabelingItem> byFrame = new TreeMap<>();

  /** Frames forgotten without a result (the pipeline dropped them, or it lagged too far). */
  private long unmatched;

  StreamQueue(int perStream, int minGap, int maxPending) {
    this.perStream = perStream;
    this.minGap = minGap;
    this.maxPending = maxPending;
  }

  /** Keeps a frame until its result comes, forgetting the oldest beyond the bound. */
  void waitForResult(long frame, PixelLease pixels) {
    PixelLease replaced = pending.put(frame, pixels);
    if (replaced != null) {
      replaced.release();
    }
    while (pending.size() > maxPending) {
      pending.pollFirstEntry().getValue().release();
      unmatched++;
    }
  }

  /**
   * The frame's model input, removed, or null when it is not (or no longer) waiting; the caller
   * holds it now and releases it when done.
   */
  PixelLease takeFrame(long frame) {
    return pending.remove(frame);
  }

  /** Keeps a result until its frame comes, forgetting the oldest beyond the bound. */
  void waitForFrame(FrameResult result) {
    early.put(result.frame(), result);
    while (early.size() > maxPending) {
      early.pollFirstEntry();
    }
  }

  /** The result of {@code frame} that came before it, removed, or null. */
  FrameResult takeEarlyResult(long frame) {
    return early.remove(frame);
  }

  /**
   * Whether {@code candidate} would be kept now: it is less sure than every item kept within {@code
   * minGap − 1} frames of it (an item of its own frame is replaced in any case), and once those are
   * gone there is room or it is less sure than the surest item left.
   */
  boolean wouldKeep(LabelingItem candidate) {
    List<LabelingItem> near = near(candidate.frame());
    for (LabelingItem n : near) {
      if (n.frame() != candidate.frame()
          && LabelingItem.LEAST_SURE_FIRST.compare(candidate, n) >= 0) {
        return false;
      }
    }
    return items.size() - near.size() < perStream
        || LabelingItem.LEAST_SURE_FIRST.compare(candidate, items.last()) < 0;
  }

  /**
   * Adds {@code item} if {@link #wouldKeep} says so; returns the items that left the queue for it
   * (those too close to it, the surest one when it was full), or {@code [item]} itself when it is
   * not kept.
   */
  List<LabelingItem> keep(LabelingItem item) {
    List<LabelingItem> gone = new ArrayList<>(2);
    if (!wouldKeep(item)) {
      gone.add(item);
      return gone;
    }
    // Includes an item of the same frame: a stream added again under its old id numbers its frames
    // from 0 again, and the newer frame wins.
    for (LabelingItem n : near(item.frame())) {
      byFrame.remove(n.frame());
      items.remove(n);
      gone.add(n);
    }
    items.add(item);
    byFrame.put(item.frame(), item);
    if (items.size() > perStream) {
      LabelingItem surest = items.pollLast();
      byFrame.remove(surest.frame());
      gone.add(surest);
    }
    return gone;
  }

  /** The items kept within {@code minGap − 1} frames of {@code frame}, its own included. */
  private List<LabelingItem> near(long frame) {
    return List.copyOf(
        byFrame.subMap(frame - (minGap - 1), true, frame + (minGap - 1), true).values());
  }

  /** Removes the item of {@code frame}; true if it was there. */
  boolean remove(LabelingItem item) {
    if (byFrame.get(item.frame()) != item) {
      return false;
    }
    byFrame.remove(item.frame());
    return items.remove(item);
  }

  /** The items kept, least sure first. */
  List<LabelingItem> items() {
    return List.copyOf(items);
  }

  /** Forgets the frames and results still waiting for each other (the stream stopped). */
  void clearWaiting() {
    unmatched += pending.size();
    pending.values().forEach(PixelLease::release);
    pending.clear();
    early.clear();
  }

  int pendingFrames() {
    return pending.size();
  }

  int earlyResults() {
    return early.size();
  }

  long unmatched() {
    return unmatched;
  }
}
