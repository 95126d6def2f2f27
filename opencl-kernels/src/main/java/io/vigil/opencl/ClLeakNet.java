package io.vigil.opencl;

import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Says when the garbage collector, not an owner, freed a device buffer: a tensor nobody closed. The
 * first leak is logged at once, naming the buffer (its shape), its size and the device; later ones
 * at most once per {@link #INTERVAL_NANOS}, with how many came since, so a leak in a loop shows
 * without flooding the log. Called on the cleaner's thread; thread-safe.
 */
final class ClLeakNet {

  private static final Logger LOG = LoggerFactory.getLogger(ClLeakNet.class);

  /** At most one report per minute after the first. */
  static final long INTERVAL_NANOS = 60_000_000_000L;

  private final String device;
  private final LongSupplier clock;
  private long count;
  private long unreported;
  private long unreportedBytes;
  private long lastReport;
  private boolean reported;

  ClLeakNet(String device) {
    this(device, System::nanoTime);
  }

  ClLeakNet(String device, LongSupplier clock) {
    this.device = device;
    this.clock = clock;
  }

  /**
   * Notes that {@code what}, {@code bytes} long, was freed by the collector; returns whether this
   * call logged.
   */
  synchronized boolean report(String what, long bytes) {
    count++;
    unreported++;
    unreportedBytes += bytes;
    long now = clock.getAsLong();
    if (reported && now - lastReport < INTERVAL_NANOS) {
      return false;
    }
    LOG.warn(
        "{} on {} was never closed: the garbage collector freed its {} bytes of device memory"
            + " ({} such buffer(s), {} bytes, since the last report; {} in all). Close tensors"
            + " through their owner (Model, Predictor, NetworkExecutor, a TensorScope).",
        what,
        device,
        bytes,
        unreported,
        unreportedBytes,
        count);
    reported = true;
    lastReport = now;
    unreported = 0;
    unreportedBytes = 0;
    return true;
  }

  /** Buffers reported so far. */
  synchronized long count() {
    return count;
  }
}
