package io.vigil.pipeline.analyze;

import io.vigil.engine.io.AtomicFiles;
import io.vigil.pipeline.result.FrameResult;
import io.vigil.pipeline.result.ResultLines;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A JSON Lines results file that is either complete or absent.
 *
 * <p>Lines go to a hidden temporary file beside the target; {@link #commit()} flushes it to disk
 * and renames it over the target in one atomic step, {@link #abort()} deletes it. A run that dies
 * half-way therefore never leaves a half-written results file where a reader expects one.
 *
 * <p>Each line: {@code {"stream":…,"frame":…,"pts_us":…,"model":…,"top":[{"label":…,"score":…},…],
 * "latency_ms":…}}.
 */
final class AtomicResultFile implements AutoCloseable {

  private final Path target;
  private final Path temporary;
  private final OutputStream out;
  private boolean finished;

  private AtomicResultFile(Path target, Path temporary, OutputStream file) {
    this.target = target;
    this.temporary = temporary;
    this.out = new BufferedOutputStream(file, 1 << 16);
  }

  /** Creates the temporary file beside {@code target} (creating missing parent directories). */
  static AtomicResultFile create(Path target) throws IOException {
    Path absolute = target.toAbsolutePath();
    Path temporary = AtomicFiles.tempBeside(absolute);
    return new AtomicResultFile(absolute, temporary, Files.newOutputStream(temporary));
  }

  /** Appends one JSON line per result. */
  void write(List<FrameResult> results) throws IOException {
    ResultLines.write(out, results);
  }

  /** Makes the results visible under the target name, complete. */
  void commit() throws IOException {
    out.close();
    AtomicFiles.commit(temporary, target);
    finished = true;
  }

  /** Throws away what was written; the target is left as it was. */
  void abort() {
    if (finished) {
      return;
    }
    finished = true;
    IllegalStateException failure =
        new IllegalStateException("could not delete partial results " + temporary);
    try {
      out.close();
    } catch (IOException e) {
      // The file is deleted next; a failed close changes nothing for the caller.
    }
    AtomicFiles.discard(temporary, failure);
    if (failure.getSuppressed().length > 0) {
      throw failure;
    }
  }

  Path target() {
    return target;
  }

  @Override
  public void close() {
    abort();
  }
}
