package io.vigil.pipeline.analyze;

import io.vigil.engine.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Objects;

/**
 * Where an offline run writes. Either a folder ({@link #folder}): {@code <stream>.jsonl} and {@code
 * <stream>.summary.json} per video and {@code run-summary.json} ({@link OutputNames}), and a video
 * whose two files are already there is skipped, so an interrupted run can be run again. Or one
 * results file for one video ({@link #singleFile}): no summaries, and the video is always analysed
 * afresh, replacing the file. Before a run starts, {@link #check} finds an output that cannot be
 * written, and the run removes the temporary files a killed run left for the same outputs.
 */
public final class OutputLayout {

  private final Path folder;
  private final Path singleResults;

  private OutputLayout(Path folder, Path singleResults) {
    this.folder = folder;
    this.singleResults = singleResults;
  }

  /** Per-video results and summaries in {@code dir}, resumable. */
  public static OutputLayout folder(Path dir) {
    return new OutputLayout(Objects.requireNonNull(dir, "dir"), null);
  }

  /** The one video's results in {@code results}; nothing else is written. */
  public static OutputLayout singleFile(Path results) {
    Path absolute = results.toAbsolutePath();
    return new OutputLayout(absolute.getParent(), absolute);
  }

  /** The folder the outputs go in (created if missing). */
  public Path directory() {
    return folder;
  }

  /** What to name in messages: the folder, or the single results file. */
  public Path target() {
    return singleResults != null ? singleResults : folder;
  }

  /** Whether this layout holds one video's results only. */
  public boolean isSingleFile() {
    return singleResults != null;
  }

  Path results(String stream) {
    return singleResults != null ? singleResults : OutputNames.results(folder, stream);
  }

  /** The stream's summary file, or null when none is written. */
  Path summary(String stream) {
    return singleResults != null ? null : OutputNames.summary(folder, stream);
  }

  /** The run summary's file, or null when none is written. */
  Path runSummary() {
    return singleResults != null ? null : folder.resolve(OutputNames.RUN_SUMMARY);
  }

  /**
   * Checks, before any work, that the outputs can be written: the folder exists or can be created
   * and takes files; a single results file is not a directory and its folder takes files.
   *
   * @throws IOException with one line naming the path and the problem
   */
  public void check() throws IOException {
    if (singleResults != null) {
      AtomicFiles.checkWritable(singleResults);
    } else {
      AtomicFiles.checkFolder(folder);
    }
  }

  /**
   * {@link #check}, then removes what earlier runs killed half-way left of these streams' outputs
   * (their temporary {@code .NAME.*.part} files); the outputs themselves are kept, and an earlier
   * run summary must be readable, since this run's record is added to it.
   */
  void prepare(Collection<String> streams) throws IOException {
    check();
    for (String stream : streams) {
      AtomicFiles.removeLeftovers(results(stream));
      if (summary(stream) != null) {
        AtomicFiles.removeLeftovers(summary(stream));
      }
    }
    if (runSummary() != null) {
      AtomicFiles.removeLeftovers(runSummary());
      // This run adds its record to the earlier ones: a summary it could not read is found now.
      BatchRunReport.earlierRuns(runSummary());
    }
  }

  /** Whether an earlier run finished {@code stream}, so this one skips it. */
  boolean complete(String stream) {
    return singleResults == null && OutputNames.complete(folder, stream);
  }
}
