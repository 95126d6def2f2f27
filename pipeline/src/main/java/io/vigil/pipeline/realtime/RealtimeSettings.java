package io.vigil.pipeline.realtime;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.vigil.pipeline.config.ConfigKeys;
import java.time.Duration;

/**
 * The knobs of a real-time run, from {@code vigil.run} (defaults in {@code reference.conf}, a
 * user's in {@code config/camera.conf}).
 *
 * @param bufferSize frames the buffer before inference holds at most; with batches of {@code B}
 *     frames taking {@code T} each, a frame waits at most about {@code (bufferSize / B + 2) × T}
 * @param dropPolicy what a full buffer drops
 * @param maxBatch frames per engine call at most
 * @param maxWait longest time the oldest frame of a batch waits for the batch to fill
 * @param topK labels per result line
 * @param rwTimeout network read/connect timeout: a stalled source fails after this long
 * @param minBackoff first wait before reconnecting a lost network source
 * @param maxBackoff longest wait between reconnects (the wait doubles up to it)
 * @param metricsInterval how often metrics are printed while running (0: only at the end)
 * @param shedPerDrop frames a stream's source sheds (decodes without converting them) for each of
 *     its frames the buffer drops; 0 never sheds (see {@link SaturationSignal})
 * @param maxAttempts failed attempts in a row after which a network source's stream fails instead
 *     of trying again (a connection resets the count); 0 tries for ever
 * @param maxSourceLag how far behind its frames' capture times a paced source, or behind the
 *     schedule of its timestamps a network source or camera, may fall before it sheds frames to
 *     catch up (see {@code DecoderSource}); zero never sheds for lag
 */
public record RealtimeSettings(
    int bufferSize,
    DropPolicy dropPolicy,
    int maxBatch,
    Duration maxWait,
    int topK,
    Duration rwTimeout,
    Duration minBackoff,
    Duration maxBackoff,
    Duration metricsInterval,
    int shedPerDrop,
    int maxAttempts,
    Duration maxSourceLag) {

  /** The default {@link #maxSourceLag}: frames later than this are not worth converting. */
  public static final Duration DEFAULT_MAX_SOURCE_LAG = Duration.ofMillis(100);

  public RealtimeSettings {
    if (bufferSize < 1) {
      throw new IllegalArgumentException("vigil.run.buffer.size must be ≥ 1, got " + bufferSize);
    }
    if (maxBatch < 1) {
      throw new IllegalArgumentException("vigil.run.batch.max-size must be ≥ 1, got " + maxBatch);
    }
    if (maxWait.isNegative() || maxWait.isZero()) {
      throw new IllegalArgumentException("vigil.run.batch.max-wait must be positive: " + maxWait);
    }
    if (shedPerDrop < 0) {
      throw new IllegalArgumentException(
          "vigil.run.buffer.shed-per-drop must be ≥ 0, got " + shedPerDrop);
    }
    if (maxAttempts < 0) {
      throw new IllegalArgumentException(
          "vigil.run.network.max-attempts must be ≥ 0 (0: for ever), got " + maxAttempts);
    }
    if (maxSourceLag.isNegative()) {
      throw new IllegalArgumentException(
          "vigil.run.max-source-lag must be ≥ 0 (0: never shed for lag), got " + maxSourceLag);
    }
  }

  /**
   * Settings that shed one frame at the source per frame the buffer drops and try a network source
   * for ever.
   */
  public RealtimeSettings(
      int bufferSize,
      DropPolicy dropPolicy,
      int maxBatch,
      Duration maxWait,
      int topK,
      Duration rwTimeout,
      Duration minBackoff,
      Duration maxBackoff,
      Duration metricsInterval) {
    this(
        bufferSize,
        dropPolicy,
        maxBatch,
        maxWait,
        topK,
        rwTimeout,
        minBackoff,
        maxBackoff,
        metricsInterval,
        1,
        0,
        DEFAULT_MAX_SOURCE_LAG);
  }

  /**
   * Reads {@code vigil.run}; an unknown key under it is an error naming its file, line and the
   * nearest known key (the streams' own keys are {@link SourceSpec#from}'s to check).
   */
  public static RealtimeSettings from(Config config) {
    ConfigKeys.check(config, "vigil.run");
    try {
      Config c = config.getConfig("vigil.run");
      return new RealtimeSettings(
          c.getInt("buffer.size"),
          DropPolicy.parse(c.getString("buffer.policy"), c.getInt("buffer.skip-every")),
          c.getInt("batch.max-size"),
          c.getDuration("batch.max-wait"),
          c.getInt("top-k"),
          c.getDuration("network.rw-timeout"),
          c.getDuration("network.min-backoff"),
          c.getDuration("network.max-backoff"),
          c.getDuration("metrics-interval"),
          c.getInt("buffer.shed-per-drop"),
          c.getInt("network.max-attempts"),
          c.getDuration("max-source-lag"));
    } catch (ConfigException e) {
      throw new IllegalArgumentException("bad configuration: " + e.getMessage(), e);
    }
  }

  /** A copy with another buffer size and policy. */
  public RealtimeSettings withBuffer(int size, DropPolicy policy) {
    return new RealtimeSettings(
        size,
        policy,
        maxBatch,
        maxWait,
        topK,
        rwTimeout,
        minBackoff,
        maxBackoff,
        metricsInterval,
        shedPerDrop,
        maxAttempts,
        maxSourceLag);
  }

  /** A copy with another batch size and wait. */
  public RealtimeSettings withBatch(int size, Duration wait) {
    return new RealtimeSettings(
        bufferSize,
        dropPolicy,
        size,
        wait,
        topK,
        rwTimeout,
        minBackoff,
        maxBackoff,
        metricsInterval,
        shedPerDrop,
        maxAttempts,
        maxSourceLag);
  }

  /** A copy that sheds {@code frames} at the source per frame the buffer drops (0: never). */
  public RealtimeSettings withShedPerDrop(int frames) {
    return new RealtimeSettings(
        bufferSize,
        dropPolicy,
        maxBatch,
        maxWait,
        topK,
        rwTimeout,
        minBackoff,
        maxBackoff,
        metricsInterval,
        frames,
        maxAttempts,
        maxSourceLag);
  }

  /**
   * A copy that fails a network source's stream after {@code attempts} failed attempts in a row.
   */
  public RealtimeSettings withMaxAttempts(int attempts) {
    return new RealtimeSettings(
        bufferSize,
        dropPolicy,
        maxBatch,
        maxWait,
        topK,
        rwTimeout,
        minBackoff,
        maxBackoff,
        metricsInterval,
        shedPerDrop,
        attempts,
        maxSourceLag);
  }

  /** A copy in which a paced source sheds frames once it is {@code lag} behind (0: never). */
  public RealtimeSettings withMaxSourceLag(Duration lag) {
    return new RealtimeSettings(
        bufferSize,
        dropPolicy,
        maxBatch,
        maxWait,
        topK,
        rwTimeout,
        minBackoff,
        maxBackoff,
        metricsInterval,
        shedPerDrop,
        maxAttempts,
        lag);
  }
}
