package io.vigil.engine.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The CPU backend's thread split: every item run exactly once, on several threads, back to back and
 * after the workers have parked; failures of any share reach the caller; nested calls and a second
 * caller while the workers are taken run serially on their own thread instead of waiting.
 */
class ParallelTest {

  private static final long BIG = 1 << 20;

  @Test
  void runsEveryItemOnceOnEveryThreadBackToBackAndAfterAPause() throws Exception {
    Parallel parallel = new Parallel(3);
    for (int call = 0; call < 2_000; call++) {
      if (call == 1_000) {
        // Longer than the workers spin: they park, and the next call must wake them.
        Thread.sleep(5 * Parallel.SPIN_NANOS / 1_000_000 + 5);
      }
      int count = 1 + call % 17;
      int[] runs = new int[count];
      Set<String> threads = ConcurrentHashMap.newKeySet();
      parallel.forRange(
          count,
          BIG,
          (from, to, part) -> {
            threads.add(Thread.currentThread().getName());
            for (int i = from; i < to; i++) {
              runs[i]++;
            }
          });
      int[] once = new int[count];
      java.util.Arrays.fill(once, 1);
      assertArrayEquals(once, runs, "call " + call);
      assertEquals(Math.min(3, count), threads.size(), "threads of call " + call);
    }
  }

  @Test
  void aFailureInAnyShareReachesTheCaller() {
    Parallel parallel = new Parallel(2);
    for (int failing = 0; failing < 2; failing++) {
      int part = failing;
      IllegalStateException e =
          assertThrows(
              IllegalStateException.class,
              () ->
                  parallel.forRange(
                      2,
                      BIG,
                      (from, to, p) -> {
                        if (p == part) {
                          throw new IllegalStateException("share " + p);
                        }
                      }));
      assertEquals("share " + failing, e.getMessage());
    }
    // And the workers still serve the next call.
    AtomicInteger items = new AtomicInteger();
    parallel.forRange(10, BIG, (from, to, p) -> items.addAndGet(to - from));
    assertEquals(10, items.get());
  }

  @Test
  void nestedCallsRunOnTheShareThatMadeThem() {
    Parallel parallel = new Parallel(2);
    AtomicInteger items = new AtomicInteger();
    parallel.forRange(
        2,
        BIG,
        (from, to, part) -> {
          Thread share = Thread.currentThread();
          assertEquals(1, parallel.parts(8, BIG), "inside a share");
          parallel.forRange(
              8,
              BIG,
              (f, t, p) -> {
                assertSame(share, Thread.currentThread());
                items.addAndGet(t - f);
              });
        });
    assertEquals(16, items.get());
  }

  @Test
  void aSecondCallerRunsSeriallyWhileTheWorkersAreTaken() throws Exception {
    Parallel parallel = new Parallel(2);
    CountDownLatch firstRunning = new CountDownLatch(2);
    CountDownLatch secondDone = new CountDownLatch(1);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread first =
        new Thread(
            () -> {
              try {
                parallel.forRange(
                    2,
                    BIG,
                    (from, to, part) -> {
                      firstRunning.countDown();
                      try {
                        secondDone.await();
                      } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                      }
                    });
              } catch (Throwable t) {
                failure.set(t);
              }
            });
    first.start();
    firstRunning.await();
    // Both threads are inside the first call: this one runs on the caller alone, and returns.
    Set<Thread> threads = ConcurrentHashMap.newKeySet();
    StringBuilder shares = new StringBuilder();
    parallel.forRange(
        6,
        BIG,
        (from, to, part) -> {
          threads.add(Thread.currentThread());
          shares.append(part).append(':').append(from).append('-').append(to).append(' ');
        });
    secondDone.countDown();
    first.join();
    assertEquals("0:0-3 1:3-6 ", shares.toString());
    assertEquals(Set.of(Thread.currentThread()), threads);
    assertTrue(failure.get() == null, () -> "first caller failed: " + failure.get());
  }
}
