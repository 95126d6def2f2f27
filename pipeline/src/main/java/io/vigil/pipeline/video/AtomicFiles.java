package io.vigil.pipeline.video;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Writing a file so that readers see either the old one or the complete new one: write a hidden
 * temporary file in the same directory (a rename is atomic only within one file system), flush it
 * to disk, then rename it over the target.
 */
final class AtomicFiles {

  private AtomicFiles() {}

  /** A new, empty temporary file beside {@code target}, hidden and marked as partial. */
  static Path tempBeside(Path target) throws IOException {
    Path dir = target.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    return Files.createTempFile(dir, "." + target.getFileName() + ".", ".part");
  }

  /** Flushes {@code temp} to disk and renames it to {@code target}, replacing any old file. */
  static void commit(Path temp, Path target) throws IOException {
    try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
      channel.force(true);
    }
    Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  /** Deletes a temporary file left by a failed write, keeping any failure with {@code cause}. */
  static void discard(Path temp, Throwable cause) {
    try {
      Files.deleteIfExists(temp);
    } catch (IOException e) {
      cause.addSuppressed(e);
    }
  }
}
