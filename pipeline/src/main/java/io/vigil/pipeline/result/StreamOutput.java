package io.vigil.pipeline.result;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where a {@link ResultSink} writes one stream, and what it compares the stream's results with.
 *
 * @param results the stream's JSON Lines results file ({@link ResultLines})
 * @param summary the stream's summary file, or null when no summary is written
 * @param truth the stream's true class index per frame, or null when it is not known; frames past
 *     its end count as unlabeled
 */
public record StreamOutput(Path results, Path summary, int[] truth) {

  public StreamOutput {
    Objects.requireNonNull(results, "results");
  }
}
