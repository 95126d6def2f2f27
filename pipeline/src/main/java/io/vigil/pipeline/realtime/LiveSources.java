package io.vigil.pipeline.realtime;

import io.vigil.engine.model.InputContract;
import io.vigil.pipeline.frame.StreamItem;
import io.vigil.pipeline.result.RegionOfInterest;
import io.vigil.pipeline.stream.DecodeOptions;
import io.vigil.pipeline.stream.DecoderSource;
import io.vigil.pipeline.stream.LagShedding;
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
import org.apache.pekko.event.Logging$;
import org.apache.pekko.stream.RestartSettings;
import org.apache.pekko.stream.javadsl.RestartSource;
import org.apache.pekko.stream.javadsl.Source;

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
 *       RestartSource#withBackoff}); its attempts, connections and losses are counted in the
 *       stream's metrics and each is logged in one line, and after {@link
 *       RealtimeSettings#maxAttempts()} failed attempts in a row the stream fails. Frames are
 *       numbered on across reconnects. A region of interest that does not fit its frames fails the
 *       stream instead: reopening cannot mend a setting.
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
    DecodeOptions unlagged =
        DecodeOptions.OFFLINE
            .withPreprocessing(spec.preprocessing())
            .withPacing(spec.pacing())
            .withEndMarker(false)
            .withKeepImages(spec.annotate() != null)
            .withCorruptFrames(counters.corrupt::add)
            .withShedding(shedding);
    // A camera, or a paced file playing one: when decoding falls behind, it sheds as a camera's
    // late frames would be lost, instead of falling further behind. A file read as fast as it
    // goes has no real time to keep.
    boolean live = spec.kind() == SourceSpec.Kind.URL || spec.kind() == SourceSpec.Kind.CAMERA;
    DecodeOptions options =
        (spec.pacing().paced() || live) && !settings.maxSourceLag().isZero()
            ? unlagged.withLag(new LagShedding(settings.maxSourceLag()))
            : unlagged;
    Source<StreamItem, NotUsed> frames =
        switch (spec.kind()) {
          case FILE ->
              DecoderSource.failingSoftly(
                  spec.id(),
                  () -> VideoDecoder.open(Path.of(spec.input()), options.pictureFormat()),
                  contract,
                  options);
          case IMAGES ->
              DecoderSource.failingSoftly(
                  spec.id(),
                  () ->
                      VideoDecoder.openUrl(
                          spec.input(),
                          "image2",
                          Map.of("framerate", Double.toString(imageRate(spec))),
                          options.pictureFormat()),
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
                  f.release();
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
        f.release();
        return false;
      }
      lastKept = f.capturedAtNanos();
      return true;
    }
  }

  /**
   * A live source reopened with backoff whenever it ends or fails, except for a region of interest
   * that does not fit its frames (a mistake in the settings, which reopening cannot mend) and a
   * source that failed {@link RealtimeSettings#maxAttempts()} attempts in a row: those fail the
   * stream (as a {@link StreamItem.Failed} marker) instead. {@link ConnectionAttempts} counts and
   * logs the attempts, connections and losses; the restarts themselves are not logged again.
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
    ConnectionAttempts connections =
        new ConnectionAttempts(spec.id(), spec.input(), settings.maxAttempts(), counters);
    RestartSettings restart =
        RestartSettings.create(settings.minBackoff(), settings.maxBackoff(), 0.2)
            .withRestartOn(
                e ->
                    !(e instanceof RegionOfInterest.RegionOutsideFrameException
                        || e instanceof ConnectionAttempts.SourceUnreachableException))
            .withLogSettings(
                RestartSettings.createLogSettings(Logging$.MODULE$.OffLevel())
                    .withCriticalLogLevel(Logging$.MODULE$.OffLevel(), Integer.MAX_VALUE));
    // Frames are numbered on across reconnects: each connection's numbers start where the last
    // frame of the previous one left off.
    AtomicLong next = new AtomicLong();
    Source<StreamItem, NotUsed> source =
        RestartSource.withBackoff(
            restart,
            () -> {
              long base = next.get();
              // The end marker tells a sender that ended the stream from a stream cancelled here
              // (the pipeline stopping): only the first is a loss. It goes no further.
              return DecoderSource.create(
                      spec.id(),
                      () ->
                          connections.open(
                              () ->
                                  VideoDecoder.openUrl(
                                      spec.input(),
                                      format,
                                      ffmpegOptions,
                                      options.pictureFormat())),
                      contract,
                      options.withPacing(Pacing.NONE).withEndMarker(true))
                  .mapConcat(
                      item -> {
                        if (item instanceof StreamItem.Frame f) {
                          next.set(base + f.index() + 1);
                          return List.of(f.withIndex(base + f.index()));
                        }
                        if (item instanceof StreamItem.End) {
                          connections.lost(null);
                          return List.<StreamItem>of();
                        }
                        return List.of(item);
                      })
                  .watchTermination(
                      (mat, done) -> {
                        done.whenComplete(
                            (ok, error) -> {
                              if (error != null
                                  && !(error
                                      instanceof RegionOfInterest.RegionOutsideFrameException)) {
                                connections.lost(error);
                              }
                            });
                        return mat;
                      });
            });
    return DecoderSource.failingSoftly(source, spec.id());
  }
}
