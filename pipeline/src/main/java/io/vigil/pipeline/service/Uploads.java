package io.vigil.pipeline.service;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.FileIO;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;

/**
 * Uploads go to disk as they arrive, never whole into memory, under names the server chooses in a
 * hidden staging folder; nothing a client sends becomes part of a path.
 */
final class Uploads {

  private Uploads() {}

  /** {@code dir}'s hidden staging folder (created if needed). */
  static Path stagingDir(Path dir) throws IOException {
    return Files.createDirectories(dir.resolve(".uploads"));
  }

  /** A new empty file in {@code dir}'s hidden staging folder. */
  static Path stagingFile(Path dir, String prefix, String suffix) throws IOException {
    return Files.createTempFile(stagingDir(dir), prefix, suffix);
  }

  /** Streams {@code bytes} into {@code file}; fails (the file left to the caller) if cut short. */
  static CompletionStage<Path> write(Source<ByteString, ?> bytes, Path file, Materializer mat) {
    return bytes.runWith(FileIO.toPath(file), mat).thenApply(done -> file);
  }

  /** Streams an entity's bytes into {@code file}. */
  static CompletionStage<Path> write(HttpEntity entity, Path file, Materializer mat) {
    return write(entity.getDataBytes(), file, mat);
  }

  /** Deletes a staged file, if still there. */
  static void discard(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      // A leftover in the hidden staging folder harms nothing; the next start clears it.
    }
  }
}
