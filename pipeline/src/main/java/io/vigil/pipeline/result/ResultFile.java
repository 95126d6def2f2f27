package io.vigil.pipeline.result;

import io.vigil.engine.io.AtomicFiles;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * One stream's open JSON Lines results file, written as its {@link WritePolicy} says: either
 * straight under its final name (LIVE) or through a hidden temporary file beside it that {@link
 * #finish()} renames over the final name and {@link #discard()} deletes (ATOMIC).
 *
 * <p>Each line: {@code {"stream":…,"frame":…,"pts_us":…,"model":…,"top":[{"label":…,"score":…},…],
 * "latency_ms":…}} ({@link ResultLines}). Not thread-safe; finished or discarded once.
 */
final class ResultFile {

  private final WritePolicy policy;
  private final Path target;
  private final Path temporary;
  private final OutputStream out;
  private boolean done;

  private ResultFile(WritePolicy policy, Path target, Path temporary, OutputStream file) {
    this.policy = policy;
    this.target = target;
    this.temporary = temporary;
    this.out = new BufferedOutputStream(file, 1 << 16);
  }

  /**
   * Opens {@code target} for {@code policy}, creating missing parent directories.
   *
   * @param fresh LIVE only: whether to empty an existing file rather than append to it
   */
  static ResultFile open(WritePolicy policy, Path target, boolean fresh) throws IOException {
    Path absolute = target.toAbsolutePath();
    if (policy == WritePolicy.ATOMIC) {
      Path temporary = AtomicFiles.tempBeside(absolute);
      return new ResultFile(policy, absolute, temporary, Files.newOutputStream(temporary));
    }
    Files.createDirectories(absolute.getParent());
    OutputStream file =
        Files.newOutputStream(
            absolute,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            fresh ? StandardOpenOption.TRUNCATE_EXISTING : StandardOpenOption.APPEND);
    return new ResultFile(policy, absolute, null, file);
  }

  /** Appends one line per result; LIVE flushes them to the operating system at once. */
  void write(List<FrameResult> results) throws IOException {
    ResultLines.write(out, results);
    if (policy == WritePolicy.LIVE) {
      out.flush();
    }
  }

  /** Closes the file; ATOMIC then makes it visible under the final name, complete. */
  void finish() throws IOException {
    done = true;
    out.close();
    if (temporary != null) {
      AtomicFiles.commit(temporary, target);
    }
  }

  /**
   * Closes the file without finishing it: ATOMIC deletes what was written, leaving the final name
   * as it was; LIVE keeps the lines already written. Does nothing once finished or discarded.
   *
   * @throws IllegalStateException when the temporary file cannot be deleted
   */
  void discard() {
    if (done) {
      return;
    }
    done = true;
    IllegalStateException failure =
        new IllegalStateException("could not delete partial results " + temporary);
    try {
      out.close();
    } catch (IOException e) {
      // Deleted next (ATOMIC) or already flushed batch by batch (LIVE): nothing more to save.
    }
    if (temporary != null) {
      AtomicFiles.discard(temporary, failure);
      if (failure.getSuppressed().length > 0) {
        throw failure;
      }
    }
  }
}
