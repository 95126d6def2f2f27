package io.vigil.pipeline.analyze;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * A JSON Lines results file that is either complete or absent.
 *
 * <p>Lines go to a hidden temporary file beside the target; {@link #commit()} flushes it to disk
 * and renames it over the target in one atomic step, {@link #abort()} deletes it. A run that
 * dies half-way therefore never leaves a half-written results file where a reader expects one.
 *
 * <p>Each line: {@code {"stream":…,"frame":…,"pts_us":…,"model":…,"top":[{"label":…,"score":…},…],
 * "latency_ms":…}}.
 */
final class AtomicResultFile implements AutoCloseable {

  private static final JsonFactory JSON = new JsonFactory();

  private final Path target;
  private final Path temporary;
  private final FileChannel channel;
  private final OutputStream out;
  private boolean finished;

  private AtomicResultFile(Path target, Path temporary, FileChannel channel) {
    this.target = target;
    this.temporary = temporary;
    this.channel = channel;
    this.out = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16);
  }

  /** Creates the temporary file beside {@code target} (creating missing parent directories). */
  static AtomicResultFile create(Path target) throws IOException {
    Path absolute = target.toAbsolutePath();
    Path dir = absolute.getParent();
    Files.createDirectories(dir);
    Path temporary = Files.createTempFile(dir, "." + absolute.getFileName(), ".partial");
    FileChannel channel =
        FileChannel.open(temporary, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
    return new AtomicResultFile(absolute, temporary, channel);
  }

  /** Appends one JSON line per result. */
  void write(List<FrameResult> results) throws IOException {
    for (FrameResult r : results) {
      try (JsonGenerator g = JSON.createGenerator(out)) {
        g.configure(JsonGenerator.Feature.AUTO_CLOSE_TARGET, false);
        g.writeStartObject();
        g.writeStringField("stream", r.stream());
        g.writeNumberField("frame", r.frame());
        g.writeNumberField("pts_us", r.ptsMicros());
        g.writeStringField("model", r.model());
        g.writeArrayFieldStart("top");
        for (LabelScore s : r.top()) {
          g.writeStartObject();
          g.writeStringField("label", s.label());
          g.writeNumberField("score", Math.round(s.score() * 1e5) / 1e5);
          g.writeEndObject();
        }
        g.writeEndArray();
        g.writeNumberField("latency_ms", Math.round(r.latencyMillis() * 1000) / 1000.0);
        g.writeEndObject();
      }
      out.write('\n');
    }
  }

  /** Makes the results visible under the target name, complete. */
  void commit() throws IOException {
    out.flush();
    channel.force(true);
    out.close();
    Files.move(
        temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    finished = true;
  }

  /** Throws away what was written; the target is left as it was. */
  void abort() {
    if (finished) {
      return;
    }
    finished = true;
    try {
      out.close();
    } catch (IOException ignored) {
      // The file is deleted next; a failed close changes nothing for the caller.
    }
    try {
      Files.deleteIfExists(temporary);
    } catch (IOException e) {
      throw new IllegalStateException("could not delete partial results " + temporary, e);
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
