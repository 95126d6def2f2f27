package io.vigil.pipeline.analyze;

import java.nio.file.Path;

/**
 * What became of one video of a multi-file run.
 *
 * @param video the input file
 * @param stream the stream id (the file's name), which also names its output files
 * @param status done in this run, skipped (complete from an earlier run), or failed
 * @param frames frames classified in this run (0 when skipped or failed)
 * @param error what went wrong, naming the file, or null
 */
public record FileOutcome(Path video, String stream, Status status, long frames, String error) {

  /** How a file ended. */
  public enum Status {
    DONE,
    SKIPPED,
    FAILED
  }
}
