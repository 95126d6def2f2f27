package io.vigil.pipeline.realtime;

import io.vigil.engine.model.InputContract;
import io.vigil.pipeline.frame.StreamItem;
import io.vigil.pipeline.result.RegionOfInterest;
import io.vigil.pipeline.stream.DecodeOptions;
import io.vigil.pipeline.stream.DecoderSource;
import io.vigil.pipeline.stream.MetricsRegistry;
import io.vigil.pipeline.stream.Pacing;
import io.vigil.pipeline.stream.ShedSignal;
import io.vigil.pipeline.video.VideoDecoder;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.NotUsed;
import org.apache.pekko.event.Logging;
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
 *       source fails instead of blocking forever) and the stream's own FFmpeg options, and,
 *       whenever it ends or fails, reopened with exponential backoff ({@link
 *       RestartSource#withBackoff}); each disconnect and reconnect is logged and counted in the
 *       stream's metrics. Frames are numbered on across reconnects. A region of interest that does
 *       not fit its frames fails the stream instead: reopening cannot mend a setting.
 * </ul>
 *
 * <p>Every frame is fitted to the model's input as the stream's {@link SourceSpec#preprocessing()}
 * says (except frames shed because the buffer is saturated: decoded, not converted, passed on
 * without pixels for the pipeline to count as dropped; frame selection treats them like others),
 * and the decoder's damaged frames, decode errors and (at each end of a file) frames estimated lost
 * are counted as the stream's corrupt frames as they are met.
 *
 * <p>No end marker: the stream manager adds it when the stream is removed or ends.
 */
final class LiveSources {

  private static final Logger log = LoggerFactory.getLogger(LiveSources.class);

  private LiveSources() {}

  /**
   * @param shedding tells the source which frames to pass on unconverted because the buffer would
   *     drop them anyway (see {@link SaturationSignal})
   */
  static Source<StreamItem, NotUsed> of(
      SourceSpec spec,
      InputContract contract,
      RealtimeSettings settings,
      MetricsRegistry metrics,
      ShedSignal shedding) {
    MetricsRegistry.Counters counters = metrics.stream(spec.id());
    DecodeOptions options =
        DecodeOptions.OFFLINE
            .withPreprocessing(spec.preprocessing())
            .withPacing(spec.pacing())
            .withEndMarker(false)
            .withKeepImages(spec.annotate() != null)
            .withCorruptFrames(counters.corrupt::add)
            .withShedding(shedding);
    Source<StreamItem, NotUsed> frames =
        switch (spec.kind()) {
          case FILE ->
              DecoderSource.failingSoftly(
                  spec.id(), () -> VideoDecoder.open(Path.of(spec.input())), contract, options);
          case IMAGES ->
              DecoderSource.failingSoftly(
                  spec.id(),
                  () ->
                      VideoDecoder.openUrl(
                          spec.input(),
                          "image2",
                          Map.of("framerate", Double.toString(imageRate(spec)))),
                  contract,
                  options);
          case URL -> reconnecting(spec, null, contract, options, settings, counters);
          case CAMERA -> reconnecting(spec, "video4linux2", contract, options, settings, counters);
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

  /**
   * A live source reopened with backoff whenever it ends or fails, except for a region of interest
   * that does not fit its frames: a mistake in the settings, which reopening cannot mend, so it
   * fails the stream (as a {@link StreamItem.Failed} marker) instead.
   */
  private static Source<StreamItem, NotUsed> reconnecting(
      SourceSpec spec,
      String format,
      InputContract contract,
      DecodeOptions options,
      RealtimeSettings settings,
      MetricsRegistry.Counters counters) {
    long timeoutMicros = settings.rwTimeout().toNanos() / 1000;
    Map<String, String> ffmpegOptions = new HashMap<>();
    ffmpegOptions.put("rw_timeout", Long.toString(timeoutMicros));
    ffmpegOptions.put("timeout", Long.toString(timeoutMicros));
    ffmpegOptions.putAll(spec.ffmpegOptions());
    AtomicLong attempts = new AtomicLong();
    RestartSettings restart =
        RestartSettings.create(settings.minBackoff(), settings.maxBackoff(), 0.2)
            .withRestartOn(e -> !(e instanceof RegionOfInterest.RegionOutsideFrameException))
            // Each loss is logged below in one line; Pekko's own line adds a whole stack trace.
            .withLogSettings(RestartSettings.createLogSettings(Logging.DebugLevel()));
    // Frames are numbered on across reconnects: each connection's numbers start where the last
    // frame of the previous one left off.
    AtomicLong next = new AtomicLong();
    Source<StreamItem, NotUsed> source =
        RestartSource.withBackoff(
            restart,
            () -> {
              if (attempts.getAndIncrement() > 0) {
                counters.reconnects.increment();
                log.warn("{}: reconnecting to {} (attempt {})", spec.id(), spec.input(), attempts);
              }
              long base = next.get();
              return DecoderSource.create(
                      spec.id(),
                      () -> VideoDecoder.openUrl(spec.input(), format, ffmpegOptions),
                      contract,
                      options.withPacing(Pacing.NONE))
                  .map(
                      item -> {
                        if (item instanceof StreamItem.Frame f) {
                          next.set(base + f.index() + 1);
                          return f.withIndex(base + f.index());
                        }
                        return item;
                      })
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
            });
    return DecoderSource.failingSoftly(source, spec.id());
  }
}
