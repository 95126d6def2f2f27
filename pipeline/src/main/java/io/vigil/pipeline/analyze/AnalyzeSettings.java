package io.vigil.pipeline.analyze;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.time.Duration;

/**
 * The knobs of an offline analysis run, read from the {@code vigil.analyze} section of the
 * configuration (defaults in {@code reference.conf}, user overrides in {@code config/*.conf}).
 *
 * @param maxBatch frames per engine call at most
 * @param maxWait longest time the oldest frame of a batch waits for the batch to fill
 * @param topK labels per result line, best first
 * @param progressInterval how often the progress line is refreshed
 */
public record AnalyzeSettings(int maxBatch, Duration maxWait, int topK, Duration progressInterval) {

  public AnalyzeSettings {
    if (maxBatch < 1) {
      throw new IllegalArgumentException(
          "vigil.analyze.batch.max-size must be at least 1, got " + maxBatch);
    }
    if (maxWait.isNegative() || maxWait.isZero()) {
      throw new IllegalArgumentException(
          "vigil.analyze.batch.max-wait must be positive, got " + maxWait);
    }
    if (topK < 1) {
      throw new IllegalArgumentException("vigil.analyze.top-k must be at least 1, got " + topK);
    }
  }

  /** Reads {@code vigil.analyze} from a resolved configuration. */
  public static AnalyzeSettings from(Config config) {
    try {
      Config c = config.getConfig("vigil.analyze");
      return new AnalyzeSettings(
          c.getInt("batch.max-size"),
          c.getDuration("batch.max-wait"),
          c.getInt("top-k"),
          c.getDuration("progress-interval"));
    } catch (ConfigException e) {
      throw new IllegalArgumentException("bad configuration: " + e.getMessage(), e);
    }
  }

  /** A copy with another batch size. */
  public AnalyzeSettings withMaxBatch(int size) {
    return new AnalyzeSettings(size, maxWait, topK, progressInterval);
  }
}
