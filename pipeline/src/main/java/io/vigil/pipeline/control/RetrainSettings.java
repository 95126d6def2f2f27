package io.vigil.pipeline.control;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.vigil.engine.train.FineTuneConfig;
import io.vigil.engine.train.GateConfig;
import io.vigil.engine.train.OptimizerKind;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Online retraining, read from {@code vigil.retrain} (every key documented in {@code
 * config/retrain.conf}; defaults in {@code reference.conf}).
 *
 * @param enabled whether {@code vigil run} watches the inbox and retrains
 * @param inbox the folder labeled clips are dropped into
 * @param pollInterval how often the inbox is looked at
 * @param maxAttempts trainings a clip may fail before it is set aside
 * @param activate whether a version that passes the gate is activated at once
 * @param holdout the share of the new frames held out for the gate
 * @param holdoutBlock frames held out together (a clip shows each item for several frames)
 * @param replay where the earlier data replayed during fine-tuning comes from ({@link LabeledData})
 * @param originalTest where the original test data of the gate comes from ({@link LabeledData})
 * @param fineTune the fine-tune's optimizer, epochs, replay ratio, threads
 * @param gate the validation gate's thresholds
 * @param yield when training gives the CPU back to real time
 * @param minBackoff the trainer's first restart delay after a failure
 * @param maxBackoff the longest restart delay
 */
public record RetrainSettings(
    boolean enabled,
    Path inbox,
    Duration pollInterval,
    int maxAttempts,
    boolean activate,
    double holdout,
    int holdoutBlock,
    List<String> replay,
    List<String> originalTest,
    FineTuneConfig fineTune,
    GateConfig gate,
    StreamManager.Yield yield,
    Duration minBackoff,
    Duration maxBackoff) {

  public RetrainSettings {
    require(maxAttempts >= 1, "max-attempts must be at least 1, got " + maxAttempts);
    require(holdout > 0 && holdout < 1, "holdout must be in (0, 1), got " + holdout);
    require(holdoutBlock >= 1, "holdout-block must be at least 1, got " + holdoutBlock);
    require(!replay.isEmpty(), "replay must name at least one source of earlier data");
    require(!originalTest.isEmpty(), "original-test must name at least one source");
    require(
        !minBackoff.isNegative() && !minBackoff.isZero() && minBackoff.compareTo(maxBackoff) <= 0,
        "backoff.min must be positive and at most backoff.max, got "
            + minBackoff
            + " and "
            + maxBackoff);
  }

  /**
   * Reads {@code vigil.retrain}; relative paths are resolved with {@code resolve}.
   *
   * @throws IllegalArgumentException naming the key when a value is missing or out of range
   */
  public static RetrainSettings from(
      Config config, java.util.function.Function<String, Path> resolve) {
    try {
      Config c = config.getConfig("vigil.retrain");
      Config t = c.getConfig("fine-tune");
      int threads = t.getInt("threads");
      FineTuneConfig fineTune =
          new FineTuneConfig(
              t.getInt("epochs"),
              t.getInt("batch"),
              (float) t.getDouble("learning-rate"),
              OptimizerKind.parse(t.getString("optimizer")),
              t.getDouble("replay-ratio"),
              threads > 0 ? threads : Math.max(1, Runtime.getRuntime().availableProcessors() / 2),
              t.getLong("seed"));
      return new RetrainSettings(
          c.getBoolean("enabled"),
          resolve.apply(c.getString("inbox")),
          c.getDuration("poll-interval"),
          c.getInt("max-attempts"),
          c.getBoolean("activate"),
          c.getDouble("holdout"),
          c.getInt("holdout-block"),
          c.getStringList("replay"),
          c.getStringList("original-test"),
          fineTune,
          new GateConfig(c.getDouble("gate.min-gain"), c.getDouble("gate.max-original-drop")),
          new StreamManager.Yield(
              c.getDuration("yield.check-interval"),
              c.getDuration("yield.pause-above").toNanos() / 1e6,
              c.getDuration("yield.resume-below").toNanos() / 1e6),
          c.getDuration("backoff.min"),
          c.getDuration("backoff.max"));
    } catch (ConfigException e) {
      throw new IllegalArgumentException("bad configuration: " + e.getMessage(), e);
    } catch (IllegalArgumentException e) {
      if (e.getMessage() != null && e.getMessage().startsWith("vigil.")) {
        throw e;
      }
      throw new IllegalArgumentException("vigil.retrain: " + e.getMessage(), e);
    }
  }

  /** The same settings training as {@code newFineTune} says and judged by {@code newGate}. */
  public RetrainSettings withTraining(FineTuneConfig newFineTune, GateConfig newGate) {
    return new RetrainSettings(
        enabled,
        inbox,
        pollInterval,
        maxAttempts,
        activate,
        holdout,
        holdoutBlock,
        replay,
        originalTest,
        newFineTune,
        newGate,
        yield,
        minBackoff,
        maxBackoff);
  }

  /** The same settings replaying {@code newReplay} and testing the gate on {@code newTest}. */
  public RetrainSettings withData(List<String> newReplay, List<String> newTest) {
    return new RetrainSettings(
        enabled,
        inbox,
        pollInterval,
        maxAttempts,
        activate,
        holdout,
        holdoutBlock,
        newReplay,
        newTest,
        fineTune,
        gate,
        yield,
        minBackoff,
        maxBackoff);
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException("vigil.retrain." + message);
    }
  }
}
