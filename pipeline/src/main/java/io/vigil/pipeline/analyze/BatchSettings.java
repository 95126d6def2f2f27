package io.vigil.pipeline.analyze;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;

/**
 * The knobs of a multi-file run, from {@code vigil.analyze.files} (batching and top-k come from
 * {@link AnalyzeSettings}).
 *
 * @param parallelFiles files decoded at once; their frames meet in one batcher
 * @param segmentMinFrames a stream's summary lists the runs where the best label holds for at least
 *     this many frames
 */
public record BatchSettings(int parallelFiles, int segmentMinFrames) {

  public BatchSettings {
    if (parallelFiles < 1) {
      throw new IllegalArgumentException(
          "vigil.analyze.files.parallel must be at least 1 (or 0 for one per core), got "
              + parallelFiles);
    }
    if (segmentMinFrames < 1) {
      throw new IllegalArgumentException(
          "vigil.analyze.files.segment-min-frames must be at least 1, got " + segmentMinFrames);
    }
  }

  /** Reads {@code vigil.analyze.files}; {@code parallel = 0} means one per core. */
  public static BatchSettings from(Config config) {
    try {
      Config c = config.getConfig("vigil.analyze.files");
      int parallel = c.getInt("parallel");
      return new BatchSettings(
          parallel == 0 ? Runtime.getRuntime().availableProcessors() : parallel,
          c.getInt("segment-min-frames"));
    } catch (ConfigException e) {
      throw new IllegalArgumentException("bad configuration: " + e.getMessage(), e);
    }
  }
}
