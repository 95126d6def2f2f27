package io.vigil.pipeline.analyze;

import io.vigil.pipeline.result.StreamSummary;
import java.nio.file.Path;

/**
 * What became of one video of a multi-file run.
 *
 * @param video the input file
 * @param stream the stream id (the file's name), which also names its output files
 * @param status done in this run, skipped (complete from an earlier run), or failed
 * @param frames frames classified in this run (0 when skipped or failed)
 * @param error what went wrong, naming the file, or null
 * @param summary what the video gave in this run (labels, decoder report, accuracy), or null when
 *     it was skipped or failed
 */
public record FileOutcome(
    Path video, String stream, Status status, long frames, String error, StreamSummary summary) {

  /** An outcome without a summary: skipped or failed. */
  public FileOutcome(Path video, String stream, Status status, long frames, String error) {
    this(video, stream, status, frames, error, null);
  }

  /** How a file ended. */
  public enum Status {
    DONE,
    SKIPPED,
    FAILED
  }
}
