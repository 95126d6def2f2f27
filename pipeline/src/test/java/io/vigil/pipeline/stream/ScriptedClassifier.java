package io.vigil.pipeline.stream;

import io.vigil.pipeline.frame.FrameClassifier;
import io.vigil.pipeline.frame.StreamItem;
import io.vigil.pipeline.result.FrameResult;
import io.vigil.pipeline.result.LabelScore;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A classifier whose {@link #start} and collect (the supplier) are separate steps, as on a GPU: it
 * writes every start, collect and close into a log shared with other classifiers ({@code "A start
 * 0"}, {@code "A collect 0"}, {@code "A close"}), and refuses what the contract forbids (a collect
 * out of start order, more than {@link #maxInFlight()} batches in flight, use after close) with an
 * exception that fails the batch. Every frame gets class 0; the result's model is the version.
 * Keeps the frames of every batch it started ({@link #batches()}); {@link #gatedBy} lets a test
 * hold each batch in the engine until it says.
 */
public final class ScriptedClassifier implements FrameClassifier {

  private final String version;
  private String name;
  private final int maxInFlight;
  private final List<String> log;
  private final ArrayDeque<Batch> inFlight = new ArrayDeque<>();
  private int starts;
  private int mostInFlight;
  private int closes;
  private int failStartOf = -1;
  private int failCollectOf = -1;
  private long collectMillis;
  private final List<List<StreamItem.Frame>> batches = new ArrayList<>();
  private Semaphore permits;
  private BlockingQueue<List<StreamItem.Frame>> started;

  /**
   * @param log where starts, collects and closes are written, in the order they happen; a
   *     synchronized list when read from another thread than the engine's
   */
  public ScriptedClassifier(String version, int maxInFlight, List<String> log) {
    this.version = version;
    this.name = version;
    this.maxInFlight = maxInFlight;
    this.log = log;
  }

  /** Writes {@code name} in the log instead of the version (to tell instances of one apart). */
  public ScriptedClassifier loggingAs(String name) {
    this.name = name;
    return this;
  }

  /** The start of this classifier's batch {@code n} (0-based) throws. */
  public ScriptedClassifier failingStartOf(int n) {
    this.failStartOf = n;
    return this;
  }

  /** The collect of this classifier's batch {@code n} (0-based) throws. */
  public ScriptedClassifier failingCollectOf(int n) {
    this.failCollectOf = n;
    return this;
  }

  /**
   * Each start puts its frames on {@code started}; each collect then waits (up to 20 s, else it
   * fails) for one of {@code permits}, so that the test decides when a batch comes out.
   */
  public ScriptedClassifier gatedBy(
      Semaphore permits, BlockingQueue<List<StreamItem.Frame>> started) {
    this.permits = permits;
    this.started = started;
    return this;
  }

  /** The frames of every batch started so far, in order. */
  public synchronized List<List<StreamItem.Frame>> batches() {
    return List.copyOf(batches);
  }

  /** Each collect takes {@code millis}, as waiting for a device would. */
  public ScriptedClassifier collectTaking(long millis) {
    this.collectMillis = millis;
    return this;
  }

  @Override
  public synchronized Supplier<List<FrameResult>> start(List<StreamItem.Frame> frames) {
    checkOpen();
    int n = starts++;
    log.add(name + " start " + n);
    if (n == failStartOf) {
      throw new IllegalStateException(version + ": start of batch " + n + " failed");
    }
    if (inFlight.size() == maxInFlight) {
      throw new IllegalStateException(
          version + ": batch " + n + " started with " + maxInFlight + " already in flight");
    }
    inFlight.add(new Batch(n, frames));
    batches.add(List.copyOf(frames));
    mostInFlight = Math.max(mostInFlight, inFlight.size());
    if (started != null) {
      started.add(List.copyOf(frames));
      Semaphore gate = permits;
      // Outside this object's lock, so that the test can read it meanwhile.
      return () -> {
        awaitPermit(gate, n);
        return collect(n);
      };
    }
    return () -> collect(n);
  }

  private void awaitPermit(Semaphore gate, int n) {
    try {
      if (!gate.tryAcquire(20, TimeUnit.SECONDS)) {
        throw new IllegalStateException(version + ": batch " + n + " was never let out");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(version + ": batch " + n + " interrupted", e);
    }
  }

  private synchronized List<FrameResult> collect(int n) {
    checkOpen();
    if (inFlight.isEmpty() || inFlight.peek().number() != n) {
      throw new IllegalStateException(
          version + ": batch " + n + " collected out of start order, in flight: " + inFlight);
    }
    log.add(name + " collect " + n);
    List<StreamItem.Frame> frames = inFlight.remove().frames();
    if (collectMillis > 0) {
      try {
        Thread.sleep(collectMillis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(version + ": collect interrupted", e);
      }
    }
    if (n == failCollectOf) {
      throw new IllegalStateException(version + ": collect of batch " + n + " failed");
    }
    List<FrameResult> results = new ArrayList<>(frames.size());
    for (StreamItem.Frame f : frames) {
      results.add(
          new FrameResult(
              f.stream(),
              f.index(),
              f.ptsMicros(),
              version,
              List.of(new LabelScore(0, "zero", 1f)),
              0,
              f.capturedAtMillis()));
    }
    return results;
  }

  @Override
  public List<FrameResult> classify(List<StreamItem.Frame> frames) {
    synchronized (this) {
      if (!inFlight.isEmpty()) {
        throw new IllegalStateException(version + ": classify with batches in flight");
      }
    }
    return start(frames).get();
  }

  @Override
  public int maxInFlight() {
    return maxInFlight;
  }

  /** The most batches that were in flight at once. */
  public synchronized int mostInFlight() {
    return mostInFlight;
  }

  /** How many times {@link #close} was called. */
  public synchronized int closes() {
    return closes;
  }

  @Override
  public String modelVersion() {
    return version;
  }

  @Override
  public List<String> classNames() {
    return List.of("zero", "one");
  }

  @Override
  public synchronized void close() {
    closes++;
    log.add(name + " close");
  }

  private record Batch(int number, List<StreamItem.Frame> frames) {
    @Override
    public String toString() {
      return "batch " + number;
    }
  }

  private void checkOpen() {
    if (closes > 0) {
      throw new IllegalStateException(version + " is closed");
    }
  }
}
