package io.vigil.engine.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
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

  /**
   * Checks, before any work, that {@code target} can be written as {@link #write} writes it: it is
   * not a directory, its folder exists or can be created (it is created), and a file can be created
   * in that folder. Nothing else is left behind.
   *
   * @throws IOException with one line naming {@code target} and the problem
   */
  public static void checkWritable(Path target) throws IOException {
    Path absolute = target.toAbsolutePath();
    if (Files.isDirectory(absolute)) {
      throw new IOException("cannot write " + target + ": it is a directory");
    }
    Path dir = absolute.getParent();
    createFolder(dir, "cannot write " + target + ": its folder " + dir);
    probe(dir, "cannot write " + target);
  }

  /**
   * Checks, before any work, that files can be written into the folder {@code dir}: it is a folder
   * or can be created as one (it is created), and a file can be created in it.
   *
   * @throws IOException with one line naming {@code dir} and the problem
   */
  public static void checkFolder(Path dir) throws IOException {
    Path absolute = dir.toAbsolutePath();
    if (Files.exists(absolute) && !Files.isDirectory(absolute)) {
      throw new IOException("cannot write into " + dir + ": it is a file, not a folder");
    }
    createFolder(absolute, "cannot write into " + dir + ": the folder");
    probe(absolute, "cannot write into " + dir);
  }

  /**
   * Deletes the temporary files that writes of {@code target} killed half-way left beside it
   * ({@code .NAME.<digits>.part}, as {@link #tempBeside} names them). Only for a writer that owns
   * {@code target}: a write of it in progress elsewhere would lose its temporary file.
   *
   * @return how many were deleted
   */
  public static int removeLeftovers(Path target) throws IOException {
    Path dir = target.toAbsolutePath().getParent();
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    String prefix = "." + target.getFileName() + ".";
    int removed = 0;
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path entry : entries) {
        String name = entry.getFileName().toString();
        if (name.startsWith(prefix)
            && name.endsWith(".part")
            && name.length() > prefix.length() + 5
            && name.substring(prefix.length(), name.length() - 5)
                .chars()
                .allMatch(Character::isDigit)
            && Files.deleteIfExists(entry)) {
          removed++;
        }
      }
    }
    return removed;
  }

  private static void createFolder(Path dir, String what) throws IOException {
    if (Files.isDirectory(dir)) {
      return;
    }
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new IOException(what + " does not exist and cannot be created (" + reason(e) + ")", e);
    }
  }

  /** Creates and deletes a file in {@code dir}: the one sure test that files can be written. */
  private static void probe(Path dir, String what) throws IOException {
    Path probe;
    try {
      probe = Files.createTempFile(dir, ".vigil-write-check.", ".part");
    } catch (IOException e) {
      throw new IOException(
          what + ": no file can be created in " + dir + " (" + reason(e) + ")", e);
    }
    Files.deleteIfExists(probe);
  }

  /** What went wrong, in a few words. */
  private static String reason(IOException e) {
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof FileAlreadyExistsException f) {
      return f.getFile() + " is a file";
    }
    if (e instanceof NoSuchFileException) {
      return "no such file or directory";
    }
    if (e instanceof FileSystemException f && f.getReason() != null) {
      return f.getReason();
    }
    return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
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
