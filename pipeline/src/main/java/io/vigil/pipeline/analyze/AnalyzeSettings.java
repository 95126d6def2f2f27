package io.vigil.pipeline.analyze;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.vigil.pipeline.config.ConfigKeys;
import io.vigil.pipeline.frame.WindowSize;
import io.vigil.pipeline.video.Preprocessing;
import java.time.Duration;
import java.util.Objects;

/**
 * The knobs of an offline analysis run, read from the {@code vigil.analyze} section of the
 * configuration (defaults in {@code reference.conf}, user overrides in {@code config/*.conf}).
 *
 * @param maxBatch frames per engine call at most
 * @param maxWait longest time the oldest frame of a batch waits for the batch to fill
 * @param topK labels per result line, best first
 * @param progressInterval how often the progress line is refreshed
 * @param preprocessing how every file's frames are fitted to the model's input (stretch or
 *     letterbox, region of interest), from {@code vigil.analyze.preprocess}
 * @param windows the window size for sliding-window scoring (each result line also gets a label per
 *     window), from {@code vigil.analyze.windows}; null for whole frames only
 */
public record AnalyzeSettings(
    int maxBatch,
    Duration maxWait,
    int topK,
    Duration progressInterval,
    Preprocessing preprocessing,
    WindowSize windows) {

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
    Objects.requireNonNull(preprocessing, "preprocessing");
  }

  /** Settings that fit whole frames by stretching them, without window scoring. */
  public AnalyzeSettings(int maxBatch, Duration maxWait, int topK, Duration progressInterval) {
    this(maxBatch, maxWait, topK, progressInterval, Preprocessing.STRETCH, null);
  }

  /**
   * Reads {@code vigil.analyze} from a resolved configuration.
   *
   * @throws IllegalArgumentException naming the key (and for an unknown key, its file, line and the
   *     nearest known key) when a setting is missing, unknown or out of range
   */
  public static AnalyzeSettings from(Config config) {
    ConfigKeys.check(config, "vigil.analyze");
    try {
      Config c = config.getConfig("vigil.analyze");
      return new AnalyzeSettings(
          c.getInt("batch.max-size"),
          c.getDuration("batch.max-wait"),
          c.getInt("top-k"),
          c.getDuration("progress-interval"),
          c.hasPath("preprocess")
              ? Preprocessing.from(
                  c.getConfig("preprocess"), Preprocessing.STRETCH, "vigil.analyze.preprocess")
              : Preprocessing.STRETCH,
          c.hasPath("windows") ? windows(c.getString("windows")) : null);
    } catch (ConfigException e) {
      throw new IllegalArgumentException("bad configuration: " + e.getMessage(), e);
    }
  }

  private static WindowSize windows(String text) {
    try {
      return WindowSize.parseOrOff(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("vigil.analyze.windows: " + e.getMessage(), e);
    }
  }

  /** A copy with another batch size. */
  public AnalyzeSettings withMaxBatch(int size) {
    return new AnalyzeSettings(size, maxWait, topK, progressInterval, preprocessing, windows);
  }

  /** A copy that fits frames as {@code p} says. */
  public AnalyzeSettings withPreprocessing(Preprocessing p) {
    return new AnalyzeSettings(maxBatch, maxWait, topK, progressInterval, p, windows);
  }

  /** A copy that scores windows of {@code size} source pixels too (null: whole frames only). */
  public AnalyzeSettings withWindows(WindowSize size) {
    return new AnalyzeSettings(maxBatch, maxWait, topK, progressInterval, preprocessing, size);
  }
}
