package io.vigil.engine.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Writing a file so that readers see either the old one or the complete new one: write a hidden
 * temporary file in the same directory (a rename is atomic only within one file system), flush it
 * to disk, then rename it over the target. Every file vigil produces (models, results, clips, label
 * files) is written this way.
 */
public final class AtomicFiles {

  private AtomicFiles() {}

  /**
   * A new, empty temporary file beside {@code target}, hidden and marked as partial. It is made
   * readable by everyone, like a file created the ordinary way ({@code createTempFile} would make
   * it private to its owner, and the rename would carry that over to the result).
   */
  public static Path tempBeside(Path target) throws IOException {
    Path dir = target.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path temp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".part");
    try {
      Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-r--r--"));
    } catch (UnsupportedOperationException notPosix) {
      // Not a POSIX file system: its defaults apply.
    }
    return temp;
  }

  /** Flushes {@code temp} to disk and renames it to {@code target}, replacing any old file. */
  public static void commit(Path temp, Path target) throws IOException {
    try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
      channel.force(true);
    }
    try {
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      throw new IOException(
          "cannot write "
              + target
              + ": its file system does not support the atomic rename vigil relies on",
          e);
    }
  }

  /** Writes {@code content} (from its position to its limit) to {@code target}, atomically. */
  public static void write(Path target, ByteBuffer content) throws IOException {
    Path temp = tempBeside(target);
    try {
      try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        while (content.hasRemaining()) {
          channel.write(content);
        }
      }
      commit(temp, target);
    } catch (IOException | RuntimeException e) {
      discard(temp, e);
      throw e;
    }
  }

  /** Deletes a temporary file left by a failed write, keeping any failure with {@code cause}. */
  public static void discard(Path temp, Throwable cause) {
    try {
      Files.deleteIfExists(temp);
    } catch (IOException e) {
      cause.addSuppressed(e);
    }
  }
}
