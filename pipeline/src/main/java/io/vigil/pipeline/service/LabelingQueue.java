package io.vigil.pipeline.service;

import io.vigil.engine.model.InputContract;
import io.vigil.pipeline.control.LabeledStreamRecorder;
import io.vigil.pipeline.frame.PixelLease;
import io.vigil.pipeline.frame.StreamItem;
import io.vigil.pipeline.result.FrameResult;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The frames the running model is least sure of, kept for people to label, and their labels on the
 * way to the trainer.
 *
 * <p>{@link #frame} (the pipeline's frame tap, on each stream's thread) and {@link #result} (its
 * result tap, on the writer's thread) are joined by (stream, frame index), in whichever order they
 * come. A frame whose result is doubtful ({@link LabelingSettings}: low top-1 score or a small lead
 * over top-2) becomes a {@link LabelingItem}; each stream keeps its {@code perStream} least sure,
 * at least {@code minGap} frames apart, and a picture already waiting or answered (a looping clip
 * shows the same ones again) is not asked about twice. Frames wait at most {@code maxPending} per
 * stream for their result (one the pipeline dropped never gets one and is forgotten), and results
 * as many for their frame, so memory stays within about {@code streams × (perStream + maxPending ×
 * 4) × contract.size()} bytes, plus the labeled frames not yet written.
 *
 * <p>A person {@link #label labels} an item with one of the model's classes or {@link #skip skips}
 * it. Every {@code framesPerClip} labels, or on {@link #submit}, the labeled frames go into the
 * retraining inbox as one labeled clip ({@link LabeledFrames}). Thread-safe: the taps hold the lock
 * only to look up and store; converting and writing happen outside it.
 */
public final class LabelingQueue {

  /** No item of that id is waiting (never was, or it was labeled, skipped or pushed out). */
  public static final class UnknownItemException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UnknownItemException(String id) {
      super("no frame " + id + " is waiting for a label (it was labeled, skipped or pushed out)");
    }
  }

  /** The request cannot be done now (nothing to send, too few frames, retraining off). */
  public static final class RefusedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    RefusedException(String message) {
      super(message);
    }
  }

  /**
   * What a label did.
   *
   * @param labeled labeled frames waiting to be written
   * @param clip the clip this label completed and wrote, or null
   * @param error why that clip could not be written (its frames are kept), or null
   */
  public record LabelOutcome(int labeled, Path clip, String error) {}

  /**
   * A clip written into the inbox.
   *
   * @param clip the video (its sidecar beside it)
   * @param frames the labeled frames it holds
   */
  public record Sent(Path clip, int frames) {}

  /**
   * The queue at one moment.
   *
   * @param classes the model's classes, in index order
   * @param streams every stream seen, by id, with its items least sure first
   * @param labeled labeled frames waiting to be written
   * @param clipsSent clips written into the inbox
   * @param perClip labels that make a clip
   * @param lastError why the last write failed, or null
   */
  public record Snapshot(
      List<String> classes,
      Map<String, List<LabelingItem>> streams,
      int labeled,
      int clipsSent,
      int perClip,
      String lastError) {}

  private final InputContract contract;
  private final List<String> classNames;
  private final LabelingSettings settings;
  private final LabeledFrames labeled;

  // Guarded by lock.
  private final Object lock = new Object();
  private final Map<String, StreamQueue> streams = new TreeMap<>();
  private final Map<String, LabelingItem> byId = new HashMap<>();

  private final AskedPictures pictures = new AskedPictures();

  /**
   * @param contract the model's input: the frames' pixels are {@code contract.size()} normalised
   *     floats
   * @param classNames the model's classes, in index order: the only labels accepted
   * @param inbox the retraining inbox labeled clips are written into, or null when retraining is
   *     off (the queue is shown, labels are refused)
   */
  public LabelingQueue(
      InputContract contract, List<String> classNames, Path inbox, LabelingSettings settings) {
    this(contract, classNames, inbox, settings, Clock.systemUTC());
  }

  LabelingQueue(
      InputContract contract,
      List<String> classNames,
      Path inbox,
      LabelingSettings settings,
      Clock clock) {
    this.contract = Objects.requireNonNull(contract, "contract");
    this.classNames = List.copyOf(classNames);
    this.settings = Objects.requireNonNull(settings, "settings");
    if (this.classNames.isEmpty()) {
      throw new IllegalArgumentException("labeling queue: the model has no classes");
    }
    this.labeled = new LabeledFrames(contract, this.classNames, inbox, settings, clock);
  }

  /** The frame tap: a converted frame entering the pipeline. Quick; safe on any thread. */
  public void frame(StreamItem.Frame frame) {
    float[] pixels = frame.pixels();
    if (pixels == null) {
      return;
    }
    if (pixels.length != contract.size()) {
      throw new IllegalArgumentException(
          "labeling queue: frame "
              + frame.index()
              + " of "
              + frame.stream()
              + " has "
              + pixels.length
              + " floats, the model's input "
              + contract.size());
    }
    FrameResult early;
    synchronized (lock) {
      StreamQueue s = stream(frame.stream());
      early = s.takeEarlyResult(frame.index());
      if (early == null) {
        // Kept past this call: the queue holds the pixels until the result comes.
        s.waitForResult(frame.index(), frame.retainPixels());
        return;
      }
    }
    Doubt doubt = Doubt.of(early);
    if (doubt.doubtful(settings)) {
      keep(early, doubt, pixels);
    }
  }

  /** The result tap: the model's result of a frame. Quick; safe on any thread. */
  public void result(FrameResult result) {
    Doubt doubt = Doubt.of(result);
    boolean doubtful = doubt.doubtful(settings);
    PixelLease pixels;
    synchronized (lock) {
      StreamQueue s = stream(result.stream());
      pixels = s.takeFrame(result.frame());
      if (pixels == null) {
        // Sure results wait too: their frame, when it comes, is then dropped at once.
        s.waitForFrame(result);
        return;
      }
    }
    try {
      if (doubtful) {
        keep(result, doubt, pixels.pixels());
      }
    } finally {
      pixels.release();
    }
  }

  /** Forgets the frames and results of {@code stream} still waiting for each other. */
  public void streamStopped(String stream) {
    synchronized (lock) {
      StreamQueue s = streams.get(stream);
      if (s != null) {
        s.clearWaiting();
      }
    }
  }

  private void keep(FrameResult result, Doubt doubt, float[] pixels) {
    String id = LabelingItem.idOf(result.stream(), result.frame());
    LabelingItem probe =
        new LabelingItem(
            id,
            result.stream(),
            result.frame(),
            result.model(),
            result.top(),
            doubt.margin(),
            null);
    synchronized (lock) {
      if (!stream(result.stream()).wouldKeep(probe)) {
        return;
      }
    }
    // Converting (a copy as large as the input) happens outside the lock the taps share.
    byte[] bytes = LabeledStreamRecorder.bytesOf(pixels, contract);
    long picture = AskedPictures.hash(bytes);
    LabelingItem item =
        new LabelingItem(
            id,
            result.stream(),
            result.frame(),
            result.model(),
            result.top(),
            doubt.margin(),
            bytes);
    synchronized (lock) {
      // A looping clip shows the same pictures again: a person is asked about each once.
      if (pictures.asked(picture, id)) {
        return;
      }
      boolean kept = true;
      for (LabelingItem gone : stream(result.stream()).keep(item)) {
        if (gone == item) {
          kept = false;
        } else if (byId.get(gone.id()) == gone) {
          byId.remove(gone.id());
          pictures.pushedOut(gone.id());
        }
      }
      if (kept) {
        byId.put(id, item);
        pictures.waits(id, picture);
      }
    }
  }

  private StreamQueue stream(String id) {
    return streams.computeIfAbsent(
        id, k -> new StreamQueue(settings.perStream(), settings.minGap(), settings.maxPending()));
  }

  /** The item of {@code id}, if it waits for a label. */
  public Optional<LabelingItem> item(String id) {
    synchronized (lock) {
      return Optional.ofNullable(byId.get(id));
    }
  }

  /** The queue now. */
  public Snapshot snapshot() {
    Map<String, List<LabelingItem>> view = new TreeMap<>();
    synchronized (lock) {
      streams.forEach((id, s) -> view.put(id, s.items()));
    }
    return new Snapshot(
        classNames,
        view,
        labeled.waiting(),
        labeled.clipsSent(),
        settings.framesPerClip(),
        labeled.lastError());
  }

  /** The model's classes, in index order. */
  public List<String> classNames() {
    return classNames;
  }

  /** The model's input contract. */
  public InputContract contract() {
    return contract;
  }

  /**
   * Labels item {@code id} as {@code className} and, when that makes {@code framesPerClip}, writes
   * the labeled frames into the inbox (a write that fails is reported in the outcome; the frames
   * stay). Writes files: call it off the threads that serve requests.
   *
   * @throws UnknownItemException when no item of that id waits
   * @throws IllegalArgumentException when {@code className} is not one of the model's classes (the
   *     message lists them); the item stays
   * @throws RefusedException when retraining is off
   */
  public LabelOutcome label(String id, String className) {
    int index = classNames.indexOf(className);
    LabelingItem item;
    synchronized (lock) {
      item = byId.get(id);
      if (item == null) {
        throw new UnknownItemException(id);
      }
      if (index < 0) {
        throw new IllegalArgumentException(
            "'"
                + className
                + "' is not one of the model's classes: "
                + String.join(", ", classNames));
      }
      if (!labeled.enabled()) {
        throw retrainingOff();
      }
      remove(item);
    }
    int waiting =
        labeled.add(new LabeledFrames.Labeled(item.stream(), item.frame(), item.pixels(), index));
    if (waiting < settings.framesPerClip()) {
      return new LabelOutcome(waiting, null, null);
    }
    try {
      LabeledFrames.Written written = labeled.writeIfAtLeast(settings.framesPerClip());
      return new LabelOutcome(labeled.waiting(), written == null ? null : written.clip(), null);
    } catch (IOException e) {
      return new LabelOutcome(labeled.waiting(), null, e.getMessage());
    }
  }

  /**
   * Drops item {@code id} without a label; returns the labeled frames waiting to be written.
   *
   * @throws UnknownItemException when no item of that id waits
   */
  public int skip(String id) {
    synchronized (lock) {
      LabelingItem item = byId.get(id);
      if (item == null) {
        throw new UnknownItemException(id);
      }
      remove(item);
    }
    return labeled.waiting();
  }

  private void remove(LabelingItem item) {
    byId.remove(item.id());
    pictures.answered(item.id());
    StreamQueue s = streams.get(item.stream());
    if (s != null) {
      s.remove(item);
    }
  }

  /**
   * Writes the labeled frames now, as one clip into the inbox. Writes files: call it off the
   * threads that serve requests.
   *
   * @throws RefusedException when retraining is off, or fewer than {@code minClipFrames} frames are
   *     labeled (the trainer could not split them into training and held-out frames)
   * @throws IOException naming the clip and the cause when it cannot be written; the frames stay
   */
  public Sent submit() throws IOException {
    if (!labeled.enabled()) {
      throw retrainingOff();
    }
    LabeledFrames.Written written = labeled.writeIfAtLeast(settings.minClipFrames());
    if (written == null) {
      int waiting = labeled.waiting();
      throw new RefusedException(
          (waiting == 0 ? "no frames are labeled yet" : "only " + waiting + " frames are labeled")
              + "; a clip needs at least "
              + settings.minClipFrames()
              + " (the trainer holds out blocks of frames for its gate and cannot split fewer)");
    }
    return new Sent(written.clip(), written.frames());
  }

  private static RefusedException retrainingOff() {
    return new RefusedException(
        "retraining is off (vigil.retrain.enabled = false): labeled frames would have nowhere to"
            + " go");
  }

  /** Frames of {@code stream} waiting for their result (for tests). */
  int pendingFrames(String stream) {
    synchronized (lock) {
      StreamQueue s = streams.get(stream);
      return s == null ? 0 : s.pendingFrames();
    }
  }

  /** Results of {@code stream} waiting for their frame (for tests). */
  int earlyResults(String stream) {
    synchronized (lock) {
      StreamQueue s = streams.get(stream);
      return s == null ? 0 : s.earlyResults();
    }
  }

  /** Frames of {@code stream} forgotten without a result. */
  public long unmatched(String stream) {
    synchronized (lock) {
      StreamQueue s = streams.get(stream);
      return s == null ? 0 : s.unmatched();
    }
  }

  /** All items now waiting, for tests. */
  List<LabelingItem> items() {
    List<LabelingItem> all = new ArrayList<>();
    synchronized (lock) {
      streams.values().forEach(s -> all.addAll(s.items()));
    }
    return all;
  }
}
