package io.vigil.pipeline.analyze;

import java.time.Duration;

/** Passes progress on to a {@link ProgressListener} at most once per interval. */
final class ProgressThrottle {

  private final ProgressListener listener;
  private final long intervalNanos;
  private final long startedNanos;
  private final double durationMicros;
  private long lastReportNanos;

  ProgressThrottle(
      ProgressListener listener, Duration interval, long startedNanos, double durationMicros) {
    this.listener = listener;
    this.intervalNanos = interval.toNanos();
    this.startedNanos = startedNanos;
    this.durationMicros = durationMicros;
    this.lastReportNanos = startedNanos;
  }

  void update(long frames, long ptsMicros) {
    long now = System.nanoTime();
    if (now - lastReportNanos >= intervalNanos) {
      lastReportNanos = now;
      double fraction = durationMicros > 0 ? Math.min(1.0, ptsMicros / durationMicros) : Double.NaN;
      listener.onProgress(frames, rate(frames, now), fraction);
    }
  }

  void finish(long frames) {
    listener.onProgress(frames, rate(frames, System.nanoTime()), 1.0);
  }

  private double rate(long frames, long now) {
    double seconds = (now - startedNanos) / 1e9;
    return seconds > 0 ? frames / seconds : 0;
  }
}
