package io.vigil.engine.backend;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;

/**
 * Splits a range of independent work items over a fixed set of daemon threads; the caller runs the
 * first share itself. A call from inside a share (on one of its threads, or on the caller while it
 * runs its own share) runs serially, so nested parallel ops cannot deadlock or wait behind the
 * other shares.
 */
final class Parallel {

  /** Work on items {@code [from, to)} as share number {@code part} of {@code parts}. */
  @FunctionalInterface
  interface RangeTask {
    void run(int from, int to, int part);
  }

  private final int threads;
  private final ExecutorService pool;
  private final ThreadLocal<Boolean> insidePool = ThreadLocal.withInitial(() -> false);

  Parallel(int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("parallel: need at least 1 thread, got " + threads);
    }
    this.threads = threads;
    AtomicInteger counter = new AtomicInteger();
    this.pool =
        threads == 1
            ? null
            : Executors.newFixedThreadPool(
                threads - 1,
                r -> {
                  Thread t =
                      new Thread(
                          () -> {
                            insidePool.set(true);
                            r.run();
                          },
                          "vigil-cpu-" + counter.incrementAndGet());
                  t.setDaemon(true);
                  return t;
                });
  }

  int threads() {
    return threads;
  }

  /** How many shares {@link #forRange} will use for {@code count} items of {@code cost} each. */
  int parts(int count, long costPerItem) {
    // Below ~64k multiply-adds a hand-off to another thread costs more than it saves.
    long total = count * Math.max(1, costPerItem);
    if (pool == null || insidePool.get() || total < 65_536) {
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
    CountDownLatch done = new CountDownLatch(parts - 1);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    for (int p = 1; p < parts; p++) {
      int part = p;
      pool.execute(
          () -> {
            try {
              task.run(start(count, parts, part), start(count, parts, part + 1), part);
            } catch (Throwable t) {
              failure.compareAndSet(null, t);
            } finally {
              done.countDown();
            }
          });
    }
    insidePool.set(true);
    try {
      task.run(0, start(count, parts, 1), 0);
    } catch (Throwable t) {
      failure.compareAndSet(null, t);
    } finally {
      insidePool.set(false);
    }
    try {
      done.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for CPU worker threads", e);
    }
    Throwable t = failure.get();
    if (t instanceof RuntimeException re) {
      throw re;
    }
    if (t instanceof Error err) {
      throw err;
    }
  }

  private static int start(int count, int parts, int part) {
    return (int) ((long) count * part / parts);
  }
}
