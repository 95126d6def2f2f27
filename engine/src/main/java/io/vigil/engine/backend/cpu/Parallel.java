package io.vigil.engine.backend.cpu;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntConsumer;

/**
 * Splits a range of independent work items over a fixed set of daemon threads; the caller runs the
 * first share itself. A call from inside a share (on one of its threads, or on the caller while it
 * runs its own share) runs serially, so nested parallel ops cannot deadlock or wait behind the
 * other shares. A call made while another thread's call holds the workers runs its shares one after
 * another on its own thread (the cores are busy with that call) rather than wait for them.
 *
 * <p>Hand-offs are what batch-1 inference is made of: a ResNet-18 forward pass splits some seventy
 * ops between the threads, each a few hundred microseconds long. Waking a parked thread took 10–35
 * µs on these (virtual) machines, and 50–75 µs after a pause, each way: a worker for its share,
 * then the caller for the result. So a worker spins for {@link #SPIN_NANOS} after its share before
 * it parks, and the caller spins as long waiting for the workers: back to back, a hand-off costs
 * under a microsecond. Spinning uses {@link Thread#onSpinWait}, and only that long after each call.
 */
final class Parallel {

  /** Work on items {@code [from, to)} as share number {@code part} of {@code parts}. */
  @FunctionalInterface
  interface RangeTask {
    void run(int from, int to, int part);
  }

  /**
   * How long a worker waits for the next call, and the caller for the workers, before parking: the
   * gap between two ops of a batch-1 forward pass is well under this.
   */
  static final long SPIN_NANOS = 200_000;

  private final int threads;
  private final ThreadLocal<Boolean> insidePool = ThreadLocal.withInitial(() -> false);

  /** Held by the call that has the workers. */
  private final ReentrantLock calling = new ReentrantLock();

  /** The call the workers run: fields written before {@link #generation} is advanced. */
  private RangeTask task;

  private int count;
  private int parts;
  private final AtomicReference<Throwable> failure = new AtomicReference<>();

  /** Advanced once per call; a worker runs a call when it sees a generation it has not run. */
  private volatile long generation;

  /** Workers that have not finished the current call. */
  private final AtomicInteger pending = new AtomicInteger();

  /** Worker {@code i}'s thread while it is parked (or about to park), else null. */
  private final AtomicReferenceArray<Thread> parkedWorkers;

  /** The caller while it is parked waiting for the workers, else null. */
  private volatile Thread parkedCaller;

  Parallel(int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("parallel: need at least 1 thread, got " + threads);
    }
    this.threads = threads;
    this.parkedWorkers = new AtomicReferenceArray<>(threads);
    for (int id = 1; id < threads; id++) {
      int worker = id;
      Thread t = new Thread(() -> work(worker), "vigil-cpu-" + id);
      t.setDaemon(true);
      t.start();
    }
  }

  int threads() {
    return threads;
  }

  /** How many shares {@link #forRange} will use for {@code count} items of {@code cost} each. */
  int parts(int count, long costPerItem) {
    // Below ~64k multiply-adds a hand-off to another thread costs more than it saves.
    long total = count * Math.max(1, costPerItem);
    if (threads == 1 || insidePool.get() || total < 65_536) {
      return 1;
    }
    return Math.min(threads, count);
  }

  /** Runs {@code item} for every index of {@code [0, count)}, the indices split as by forRange. */
  void forEach(int count, long costPerItem, IntConsumer item) {
    forRange(
        count,
        costPerItem,
        (from, to, part) -> {
          for (int i = from; i < to; i++) {
            item.accept(i);
          }
        });
  }

  /** Runs {@code task} over {@code [0, count)} split into {@link #parts} contiguous shares. */
  void forRange(int count, long costPerItem, RangeTask task) {
    int parts = parts(count, costPerItem);
    if (parts <= 1) {
      if (count > 0) {
        task.run(0, count, 0);
      }
      return;
    }
    if (!calling.tryLock()) {
      // Another thread's call has the workers: the same shares, one after another on this thread
      // (a caller may size per-share state, such as workspace slices, by the shares).
      for (int part = 0; part < parts; part++) {
        task.run(start(count, parts, part), start(count, parts, part + 1), part);
      }
      return;
    }
    try {
      this.task = task;
      this.count = count;
      this.parts = parts;
      failure.set(null);
      pending.set(threads - 1);
      generation++;
      for (int id = 1; id < threads; id++) {
        Thread parked = parkedWorkers.get(id);
        if (parked != null) {
          LockSupport.unpark(parked);
        }
      }
      insidePool.set(true);
      try {
        task.run(0, start(count, parts, 1), 0);
      } catch (Throwable t) {
        failure.compareAndSet(null, t);
      } finally {
        insidePool.set(false);
      }
      awaitWorkers();
      this.task = null;
      rethrow(failure.get());
    } finally {
      calling.unlock();
    }
  }

  private void awaitWorkers() {
    long start = System.nanoTime();
    while (pending.get() != 0) {
      if (System.nanoTime() - start < SPIN_NANOS) {
        Thread.onSpinWait();
        continue;
      }
      parkedCaller = Thread.currentThread();
      if (pending.get() != 0) {
        LockSupport.park(this);
      }
      parkedCaller = null;
    }
  }

  /** Worker {@code id}'s loop: wait for a call (spinning, then parked), run its share, report. */
  private void work(int id) {
    insidePool.set(true);
    long seen = 0;
    while (true) {
      long now;
      long start = System.nanoTime();
      while ((now = generation) == seen) {
        if (System.nanoTime() - start < SPIN_NANOS) {
          Thread.onSpinWait();
          continue;
        }
        // Announce first, then look again: a call posted in between either sees this thread
        // parked and unparks it, or is seen here.
        parkedWorkers.set(id, Thread.currentThread());
        if (generation == seen) {
          LockSupport.park(this);
        }
        parkedWorkers.set(id, null);
        start = System.nanoTime();
      }
      seen = now;
      if (id < parts) {
        try {
          task.run(start(count, parts, id), start(count, parts, id + 1), id);
        } catch (Throwable t) {
          failure.compareAndSet(null, t);
        }
      }
      if (pending.decrementAndGet() == 0) {
        Thread caller = parkedCaller;
        if (caller != null) {
          LockSupport.unpark(caller);
        }
      }
    }
  }

  private static void rethrow(Throwable t) {
    if (t instanceof RuntimeException re) {
      throw re;
    }
    if (t instanceof Error err) {
      throw err;
    }
    if (t != null) {
      throw new IllegalStateException("CPU worker failed", t);
    }
  }

  private static int start(int count, int parts, int part) {
    return (int) ((long) count * part / parts);
  }
}
