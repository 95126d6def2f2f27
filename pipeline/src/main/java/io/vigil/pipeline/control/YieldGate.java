package io.vigil.pipeline.control;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Whether training may use the CPU now: closed while real-time latency is near its bound, open
 * otherwise. The stream manager opens and closes it; training threads wait at it before each batch
 * ({@link #pacer()}). The one piece of state the control plane shares with a thread outside the
 * actors, so it is a volatile flag and nothing else.
 */
public final class YieldGate {

  /** How long a paused training thread sleeps between looks at the gate. */
  private static final long PAUSE_POLL_NANOS = 5_000_000L;

  private volatile boolean closed;
  private final AtomicLong pausedNanos = new AtomicLong();
  private final java.util.concurrent.atomic.AtomicInteger running =
      new java.util.concurrent.atomic.AtomicInteger();

  /** Training waits before its next batch until {@link #open()}. */
  public void close() {
    closed = true;
  }

  /** Training goes on. */
  public void open() {
    closed = false;
  }

  public boolean isClosed() {
    return closed;
  }

  /** Total time training threads have waited at the gate, nanoseconds. */
  public long pausedNanos() {
    return pausedNanos.get();
  }

  /** Whether a training run holds a pacer now (one not yet {@link JobPacer#finished()}). */
  public boolean training() {
    return running.get() > 0;
  }

  /**
   * A pacer for one training run; {@link JobPacer#cancel()} abandons that run, {@link
   * JobPacer#finished()} says it is over.
   */
  public JobPacer pacer() {
    running.incrementAndGet();
    return new JobPacer();
  }

  /** Waits at the gate before each batch, and stops a cancelled run. */
  public final class JobPacer implements io.vigil.engine.train.TrainingPacer {

    private volatile boolean cancelled;
    private final java.util.concurrent.atomic.AtomicBoolean over =
        new java.util.concurrent.atomic.AtomicBoolean();

    /** The run stops before its next batch. */
    public void cancel() {
      cancelled = true;
      finished();
    }

    /** The run is over (done, failed or abandoned); idempotent. */
    public void finished() {
      if (over.compareAndSet(false, true)) {
        running.decrementAndGet();
      }
    }

    @Override
    public void beforeBatch() throws InterruptedException {
      if (closed && !cancelled) {
        long start = System.nanoTime();
        while (closed && !cancelled) {
          LockSupport.parkNanos(PAUSE_POLL_NANOS);
          if (Thread.interrupted()) {
            throw new InterruptedException("training interrupted while paused");
          }
        }
        pausedNanos.addAndGet(System.nanoTime() - start);
      }
      if (cancelled) {
        throw new InterruptedException("training abandoned");
      }
    }
  }
}
