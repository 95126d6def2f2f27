package io.vigil.pipeline.cli;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * SIGTERM and Ctrl-C for commands that must drain before the JVM stops: the hook tells the command
 * ({@code interrupted}) and holds the JVM until the command says it has drained ({@code drained}),
 * or the limit passed. The JVM stops once its shutdown hooks return.
 */
final class DrainHook {

  private DrainHook() {}

  static Thread install(
      CountDownLatch interrupted, CountDownLatch drained, Duration limit, String name) {
    Thread hook =
        new Thread(
            () -> {
              interrupted.countDown();
              try {
                drained.await(limit.toSeconds(), TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            name);
    Runtime.getRuntime().addShutdownHook(hook);
    return hook;
  }

  static void remove(Thread hook) {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // Ctrl-C: the JVM is already stopping, the hook has run.
    }
  }
}
