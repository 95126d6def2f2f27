package io.vigil.pipeline.realtime;

import io.vigil.engine.model.InputContract;
import io.vigil.pipeline.stream.DecoderSource;
import io.vigil.pipeline.stream.MetricsRegistry;
import io.vigil.pipeline.stream.Pacing;
import io.vigil.pipeline.stream.StreamItem;
import io.vigil.pipeline.video.VideoDecoder;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.RestartSettings;
import org.apache.pekko.stream.javadsl.RestartSource;
import org.apache.pekko.stream.javadsl.Source;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The frames of one real-time stream, by the kind of its source:
 *
 * <ul>
 *   <li>a file or a numbered image sequence (FFmpeg's {@code image2}): decoded and released at its
 *       native rate (or a set rate), looping if asked, like a camera; it fails its own stream if it
 *       cannot be read.
 *   <li>a URL or camera: opened with FFmpeg's {@code rw_timeout} and {@code timeout} (a stalled
 *       source fails instead of blocking forever) and, whenever it ends or fails, reopened with
 *       exponential backoff ({@link RestartSource#withBackoff}); each disconnect and reconnect is
 *       logged and counted in the stream's metrics. Frames are numbered on across reconnects.
 * </ul>
 *
 * <p>No end marker: the stream manager adds it when the stream is removed or ends.
 */
final class LiveSources {

  private static final Logger log = LoggerFactory.getLogger(LiveSources.class);

  private LiveSources() {}

  static Source<StreamItem, NotUsed> of(
      SourceSpec spec, InputContract contract, RealtimeSettings settings, MetricsRegistry metrics) {
    Source<StreamItem, NotUsed> frames =
        switch (spec.kind()) {
          case FILE ->
              DecoderSource.failingSoftly(
                  DecoderSource.create(
                      spec.id(),
                      () -> VideoDecoder.open(Path.of(spec.input())),
                      contract,
                      spec.pacing(),
                      false,
                      spec.annotate() != null),
                  spec.id());
          case IMAGES ->
              DecoderSource.failingSoftly(
                  DecoderSource.create(
                      spec.id(),
                      () ->
                          VideoDecoder.openUrl(
                              spec.input(),
                              "image2",
                              Map.of("framerate", Double.toString(imageRate(spec)))),
                      contract,
                      spec.pacing(),
                      false,
                      spec.annotate() != null),
                  spec.id());
          case URL -> reconnecting(spec, null, contract, settings, metrics);
          case CAMERA -> reconnecting(spec, "video4linux2", contract, settings, metrics);
        };
    if (spec.everyNth() > 1) {
      int n = spec.everyNth();
      frames =
          frames.filter(
              i -> {
                if (i instanceof StreamItem.Frame f && f.index() % n != 0) {
                  f.releaseImage();
                  return false;
                }
                return true;
              });
    }
    if (spec.maxRate() > 0) {
      double rate = spec.maxRate();
      // One limiter per materialisation: its state belongs to this run of the stream.
      frames =
          frames.statefulMapConcat(
              () -> {
                RateLimit limit = new RateLimit(rate);
                return item -> limit.keep(item) ? List.of(item) : List.<StreamItem>of();
              });
    }
    return frames;
  }

  private static double imageRate(SourceSpec spec) {
    return spec.pacing().fps() > 0 ? spec.pacing().fps() : 25;
  }

  /**
   * Keeps a frame when at least {@code 1 / rate} seconds of capture time have passed since the last
   * kept one (with 5 % slack for jitter); the others are released and skipped. Selection, not
   * overload: these frames are not counted as dropped.
   */
  private static final class RateLimit {
    private final long intervalNanos;
    private long lastKept = Long.MIN_VALUE;

    RateLimit(double rate) {
      this.intervalNanos = (long) (0.95e9 / rate);
    }

    boolean keep(StreamItem item) {
      if (!(item instanceof StreamItem.Frame f)) {
        return true;
      }
      if (lastKept != Long.MIN_VALUE && f.capturedAtNanos() - lastKept < intervalNanos) {
        f.releaseImage();
        return false;
      }
      lastKept = f.capturedAtNanos();
      return true;
    }
  }

  private static Source<StreamItem, NotUsed> reconnecting(
      SourceSpec spec,
      String format,
      InputContract contract,
      RealtimeSettings settings,
      MetricsRegistry metrics) {
    long timeoutMicros = settings.rwTimeout().toNanos() / 1000;
    Map<String, String> options =
        Map.of(
            "rw_timeout", Long.toString(timeoutMicros),
            "timeout", Long.toString(timeoutMicros));
    MetricsRegistry.Counters counters = metrics.stream(spec.id());
    AtomicLong attempts = new AtomicLong();
    RestartSettings restart =
        RestartSettings.create(settings.minBackoff(), settings.maxBackoff(), 0.2);
    AtomicLong next = new AtomicLong();
    return RestartSource.withBackoff(
            restart,
            () -> {
              if (attempts.getAndIncrement() > 0) {
                counters.reconnects.increment();
                log.warn("{}: reconnecting to {} (attempt {})", spec.id(), spec.input(), attempts);
              }
              return DecoderSource.create(
                      spec.id(),
                      () -> VideoDecoder.openUrl(spec.input(), format, options),
                      contract,
                      Pacing.NONE,
                      false,
                      spec.annotate() != null)
                  .watchTermination(
                      (mat, done) -> {
                        done.whenComplete(
                            (ok, error) -> {
                              counters.disconnects.increment();
                              log.warn(
                                  "{}: disconnected from {}: {}",
                                  spec.id(),
                                  spec.input(),
                                  error == null ? "the stream ended" : error.getMessage());
                            });
                        return mat;
                      });
            })
        .map(
            item ->
                item instanceof StreamItem.Frame f
                    ? new StreamItem.Frame(
                        f.stream(),
                        next.getAndIncrement(),
                        f.ptsMicros(),
                        f.capturedAtNanos(),
                        f.capturedAtMillis(),
                        f.pixels(),
                        f.image())
                    : item);
  }
}
