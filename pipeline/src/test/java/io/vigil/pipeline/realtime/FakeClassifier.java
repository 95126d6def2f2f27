package io.vigil.pipeline.realtime;

import io.vigil.pipeline.frame.FrameClassifier;
import io.vigil.pipeline.frame.StreamItem;
import io.vigil.pipeline.result.FrameResult;
import io.vigil.pipeline.result.LabelScore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A classifier that always answers class 0, at once, or {@link #gated()}: then each batch waits in
 * the engine until the test lets it through ({@link #letThrough}, {@link #open}), so that a test
 * decides when the engine is slower than its sources (a stalled engine is the heaviest overload)
 * without a clock. It counts the batches taken and classified and the frames classified.
 */
final class FakeClassifier implements FrameClassifier {

  private final Semaphore permits;
  private volatile boolean open;
  private final AtomicInteger taken = new AtomicInteger();
  private final AtomicInteger classified = new AtomicInteger();
  private final AtomicLong frames = new AtomicLong();

  /** An engine that classifies every batch at once. */
  FakeClassifier() {
    this(null);
  }

  private FakeClassifier(Semaphore permits) {
    this.permits = permits;
    this.open = permits == null;
  }

  /** An engine that holds every batch until the test lets it through. */
  static FakeClassifier gated() {
    return new FakeClassifier(new Semaphore(0));
  }

  /** Lets {@code batches} more batches through a gated engine. */
  void letThrough(int batches) {
    permits.release(batches);
  }

  /** Lets every batch through from now on. */
  void open() {
    open = true;
    if (permits != null) {
      // Wakes a batch that is waiting now; the batches after it do not wait.
      permits.release();
    }
  }

  /** Batches the engine has taken, including one it is holding. */
  int batchesTaken() {
    return taken.get();
  }

  /** Batches the engine has classified and handed back. */
  int batchesClassified() {
    return classified.get();
  }

  /** Frames the engine has classified and handed back. */
  long framesClassified() {
    return frames.get();
  }

  @Override
  public List<FrameResult> classify(List<StreamItem.Frame> batch) {
    taken.incrementAndGet();
    awaitPermit();
    // The latency the results report, as the engine's would; no test asserts it.
    long now = System.nanoTime();
    List<FrameResult> results = new ArrayList<>(batch.size());
    for (StreamItem.Frame f : batch) {
      results.add(
          new FrameResult(
              f.stream(),
              f.index(),
              f.ptsMicros(),
              modelVersion(),
              List.of(new LabelScore(0, "zero", 1f)),
              (now - f.capturedAtNanos()) / 1e6,
              f.capturedAtMillis()));
    }
    frames.addAndGet(batch.size());
    classified.incrementAndGet();
    return results;
  }

  private void awaitPermit() {
    if (open) {
      return;
    }
    try {
      // Bounded, so that a test that never lets its batches through fails instead of hanging.
      if (!permits.tryAcquire(60, TimeUnit.SECONDS)) {
        throw new IllegalStateException("batch " + taken.get() + " was never let through");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("fake classifier interrupted", e);
    }
  }

  @Override
  public String modelVersion() {
    return "fake";
  }

  @Override
  public List<String> classNames() {
    return List.of("zero", "one");
  }

  @Override
  public void close() {}
}
