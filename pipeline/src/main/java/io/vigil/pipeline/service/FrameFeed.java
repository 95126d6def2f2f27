package io.vigil.pipeline.service;

import io.vigil.engine.model.InputContract;
import io.vigil.pipeline.frame.StreamItem;
import io.vigil.pipeline.result.FrameResult;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The latest frame of every stream as the model saw it, joined with what the model said about it,
 * as an annotated JPEG for the dashboard ({@link FrameRenderer}).
 *
 * <p>Two taps feed it: {@link #onFrame} (frames entering the pipeline, on the stream's thread) and
 * {@link #onResult} (results once written, on the writer's thread). Both stay cheap: a frame is
 * taken at most once per {@code acceptEvery} per stream (a reference to its pixels, no copy) and
 * waits in a short per-stream queue for its result; frames that never get one (dropped under
 * overload) leave the queue when a later result arrives, when they are older than {@code window},
 * or when more than {@code maxPending} wait. Results keep their frames' order within a stream,
 * which is what lets a result retire every older frame still waiting.
 *
 * <p>Rendering happens only in {@link #jpeg}, that is only while someone watches, once per new
 * joined frame however many watch: memory is one joined frame and one JPEG per stream, plus the
 * waiting frames.
 */
public final class FrameFeed {

  /** Frames taken per stream: at most one per this interval (five a second). */
  public static final Duration ACCEPT_EVERY = Duration.ofMillis(200);

  /** How long a taken frame waits for its result. */
  public static final Duration WINDOW = Duration.ofSeconds(2);

  /** Frames waiting per stream, at most. */
  public static final int MAX_PENDING = 16;

  /** One annotated frame: {@code sequence} grows by one per new frame of its stream. */
  public record Jpeg(long sequence, long frame, byte[] bytes) {}

  private record Pending(long index, long atNanos, float[] pixels) {}

  private record Joined(long sequence, float[] pixels, FrameResult result) {}

  /** One stream's waiting frames, its latest joined frame and that frame's rendering. */
  private static final class Slot {
    final ArrayDeque<Pending> pending = new ArrayDeque<>();
    long lastTakenNanos;
    boolean takenAny;
    Joined latest;
    final Object renderLock = new Object();
    Jpeg rendered;
  }

  private final FrameRenderer renderer;
  private final LongSupplier nanoClock;
  private final long acceptEveryNanos;
  private final long windowNanos;
  private final int maxPending;
  private final Map<String, Slot> slots = new ConcurrentHashMap<>();

  /** A feed for frames of {@code contract}, with the service's rates. */
  public FrameFeed(InputContract contract) {
    this(new FrameRenderer(contract), System::nanoTime, ACCEPT_EVERY, WINDOW, MAX_PENDING);
  }

  FrameFeed(
      FrameRenderer renderer,
      LongSupplier nanoClock,
      Duration acceptEvery,
      Duration window,
      int maxPending) {
    if (maxPending < 1 || window.isNegative() || acceptEvery.isNegative()) {
      throw new IllegalArgumentException(
          "frame feed: need at least one pending frame and non-negative durations, got "
              + maxPending
              + ", "
              + window
              + ", "
              + acceptEvery);
    }
    this.renderer = renderer;
    this.nanoClock = nanoClock;
    this.acceptEveryNanos = acceptEvery.toNanos();
    this.windowNanos = window.toNanos();
    this.maxPending = maxPending;
  }

  /** The frame tap: keeps the frame, if its stream's last one was taken long enough ago. */
  public void onFrame(StreamItem.Frame f) {
    if (!f.converted()) {
      return;
    }
    long now = nanoClock.getAsLong();
    Slot s = slots.computeIfAbsent(f.stream(), id -> new Slot());
    synchronized (s) {
      if (s.takenAny && now - s.lastTakenNanos < acceptEveryNanos) {
        return;
      }
      s.takenAny = true;
      s.lastTakenNanos = now;
      // A copy: the frame's pooled buffer goes back once the batch has read it, before the result.
      s.pending.addLast(new Pending(f.index(), now, f.pixels().clone()));
      while (s.pending.size() > maxPending || now - s.pending.peekFirst().atNanos() > windowNanos) {
        s.pending.removeFirst();
      }
    }
  }

  /** The result tap: joins the result with its frame, if that frame was kept. */
  public void onResult(FrameResult r) {
    Slot s = slots.get(r.stream());
    if (s == null) {
      return;
    }
    synchronized (s) {
      // Results come in frame order: a frame older than this result will never get one.
      while (!s.pending.isEmpty() && s.pending.peekFirst().index() < r.frame()) {
        s.pending.removeFirst();
      }
      if (!s.pending.isEmpty() && s.pending.peekFirst().index() == r.frame()) {
        Pending p = s.pending.removeFirst();
        long next = s.latest == null ? 1 : s.latest.sequence() + 1;
        s.latest = new Joined(next, p.pixels(), r);
      }
    }
  }

  /**
   * The latest annotated frame of {@code stream}, rendered now if it is newer than the last
   * rendering; empty while no frame of the stream has met its result.
   */
  public Optional<Jpeg> jpeg(String stream) {
    Slot s = slots.get(stream);
    if (s == null) {
      return Optional.empty();
    }
    Joined latest;
    synchronized (s) {
      latest = s.latest;
    }
    if (latest == null) {
      return Optional.empty();
    }
    // Outside the slot's lock, so that the taps never wait for a rendering.
    synchronized (s.renderLock) {
      if (s.rendered == null || s.rendered.sequence() < latest.sequence()) {
        s.rendered =
            new Jpeg(
                latest.sequence(),
                latest.result().frame(),
                renderer.render(latest.pixels(), latest.result()));
      }
      return Optional.of(s.rendered);
    }
  }

  /** Forgets the streams not in {@code running}, so that a removed stream's frame goes. */
  public void retain(java.util.Set<String> running) {
    slots.keySet().retainAll(running);
  }

  /** For tests: frames of {@code stream} waiting for their result. */
  int pending(String stream) {
    Slot s = slots.get(stream);
    if (s == null) {
      return 0;
    }
    synchronized (s) {
      return s.pending.size();
    }
  }
}
