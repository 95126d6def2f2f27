package io.vigil.pipeline.stream;

import io.vigil.pipeline.analyze.FrameResult;
import io.vigil.pipeline.analyze.LabelScore;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * A classifier whose {@link #start} and collect (the supplier) are separate steps, as on a GPU: it
 * writes every start, collect and close into a log shared with other classifiers ({@code "A start
 * 0"}, {@code "A collect 0"}, {@code "A close"}), and refuses what the contract forbids (a collect
 * out of start order, more than {@link #maxInFlight()} batches in flight, use after close) with an
 * exception that fails the batch. Every frame gets class 0; the result's model is the version.
 */
public final class ScriptedClassifier implements FrameClassifier {

  private final String version;
  private final int maxInFlight;
  private final List<String> log;
  private final ArrayDeque<Batch> inFlight = new ArrayDeque<>();
  private int starts;
  private int mostInFlight;
  private int closes;
  private int failStartOf = -1;
  private int failCollectOf = -1;
  private long collectMillis;

  /**
   * @param log where starts, collects and closes are written, in the order they happen; a
   *     synchronized list when read from another thread than the engine's
   */
  public ScriptedClassifier(String version, int maxInFlight, List<String> log) {
    this.version = version;
    this.maxInFlight = maxInFlight;
    this.log = log;
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

  /** Each collect takes {@code millis}, as waiting for a device would. */
  public ScriptedClassifier collectTaking(long millis) {
    this.collectMillis = millis;
    return this;
  }

  @Override
  public synchronized Supplier<List<FrameResult>> start(List<StreamItem.Frame> frames) {
    checkOpen();
    int n = starts++;
    log.add(version + " start " + n);
    if (n == failStartOf) {
      throw new IllegalStateException(version + ": start of batch " + n + " failed");
    }
    if (inFlight.size() == maxInFlight) {
      throw new IllegalStateException(
          version + ": batch " + n + " started with " + maxInFlight + " already in flight");
    }
    inFlight.add(new Batch(n, frames));
    mostInFlight = Math.max(mostInFlight, inFlight.size());
    return () -> collect(n);
  }

  private synchronized List<FrameResult> collect(int n) {
    checkOpen();
    if (inFlight.isEmpty() || inFlight.peek().number() != n) {
      throw new IllegalStateException(
          version + ": batch " + n + " collected out of start order, in flight: " + inFlight);
    }
    log.add(version + " collect " + n);
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
    log.add(version + " close");
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
