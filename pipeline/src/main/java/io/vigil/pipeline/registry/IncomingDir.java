package io.vigil.pipeline.registry;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The folder a version is written into before it is published: {@code REGISTRY/.incoming-VERSION-*}
 * on the registry's file system, so that the final rename is atomic. While it is being written its
 * {@code .lock} file is locked ({@link FileChannel#lock}), which tells {@link #sweep} in another
 * process (or another registry in this one) that it is in use; the operating system releases the
 * lock when its process dies, so the leftovers of a crash are unlocked and swept. The lock file
 * travels with the rename and is deleted afterwards; a crash in between leaves it, hidden and
 * harmless, in the version's folder.
 */
final class IncomingDir implements AutoCloseable {

  static final String PREFIX = ".incoming-";
  static final String LOCK = ".lock";

  private final Path dir;
  private final FileChannel lockChannel;
  private Path published;

  private IncomingDir(Path dir, FileChannel lockChannel) {
    this.dir = dir;
    this.lockChannel = lockChannel;
  }

  /** A new, locked incoming folder in {@code registry} for {@code version}. */
  static IncomingDir create(Path registry, String version) throws IOException {
    Path dir = Files.createTempDirectory(registry, PREFIX + version + "-");
    FileChannel channel = null;
    try {
      try {
        // Like a folder made the ordinary way, not private to its owner.
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
      } catch (UnsupportedOperationException notPosix) {
        // Not a POSIX file system: its defaults apply.
      }
      channel =
          FileChannel.open(
              dir.resolve(LOCK), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
      channel.lock();
      return new IncomingDir(dir, channel);
    } catch (IOException | RuntimeException e) {
      if (channel != null) {
        closeQuietly(channel, e);
      }
      deleteTree(dir, e);
      throw e;
    }
  }

  Path path() {
    return dir;
  }

  /**
   * Flushes the folder's entries to disk and renames it to {@code target} atomically, then flushes
   * {@code target}'s parent. Returns false, leaving the folder to {@link #close}, when {@code
   * target} already exists (another publisher was first).
   */
  boolean publishAs(Path target) throws IOException {
    syncDirectory(dir);
    try {
      Files.move(dir, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (FileAlreadyExistsException | DirectoryNotEmptyException taken) {
      return false;
    } catch (AtomicMoveNotSupportedException e) {
      throw new IOException(
          "cannot publish to "
              + target
              + ": its file system does not support the atomic rename the registry relies on",
          e);
    }
    published = target;
    syncDirectory(target.getParent());
    return true;
  }

  /** Releases the lock; deletes the folder unless it was published, else its lock file. */
  @Override
  public void close() throws IOException {
    IOException failure = new IOException("cannot clean up incoming folder " + dir);
    closeQuietly(lockChannel, failure);
    if (published == null) {
      deleteTree(dir, failure);
    } else {
      try {
        Files.deleteIfExists(published.resolve(LOCK));
      } catch (IOException e) {
        failure.addSuppressed(e);
      }
    }
    if (failure.getSuppressed().length > 0) {
      throw failure;
    }
  }

  /**
   * Deletes every incoming folder of {@code registry} that no one holds locked: what interrupted
   * publishes left. Returns the names of the folders deleted.
   */
  static List<String> sweep(Path registry) throws IOException {
    List<Path> candidates;
    try (Stream<Path> entries = Files.list(registry)) {
      candidates =
          entries.filter(p -> p.getFileName().toString().startsWith(PREFIX)).sorted().toList();
    }
    List<String> removed = new ArrayList<>();
    for (Path dir : candidates) {
      if (!inUse(dir)) {
        IOException failure = new IOException("cannot remove leftover " + dir);
        deleteTree(dir, failure);
        if (failure.getSuppressed().length > 0) {
          throw failure;
        }
        removed.add(dir.getFileName().toString());
      }
    }
    return removed;
  }

  /** Whether a publisher holds {@code dir}'s lock now. */
  private static boolean inUse(Path dir) throws IOException {
    Path lock = dir.resolve(LOCK);
    if (!Files.isDirectory(dir) || !Files.exists(lock)) {
      return false;
    }
    try (FileChannel channel = FileChannel.open(lock, StandardOpenOption.WRITE)) {
      FileLock held = channel.tryLock();
      if (held == null) {
        return true; // another process
      }
      held.release();
      return false;
    } catch (OverlappingFileLockException thisProcess) {
      // Held by this process. (Closing the channel above drops this process's lock at the OS
      // level, POSIX locks being per process: a sweep from a third process could then take the
      // folder, and that publish would fail; it cannot leave half a version.)
      return true;
    } catch (NoSuchFileException publishedMeanwhile) {
      return true;
    }
  }

  /** Flushes a folder's entries to disk, where the platform lets a folder be opened. */
  private static void syncDirectory(Path dir) throws IOException {
    FileChannel channel;
    try {
      channel = FileChannel.open(dir, StandardOpenOption.READ);
    } catch (UnsupportedOperationException | AccessDeniedException notOnThisPlatform) {
      // Windows cannot open a folder as a channel; its renames are durable without this.
      return;
    }
    try (channel) {
      channel.force(true);
    }
  }

  private static void deleteTree(Path root, Throwable failure) {
    if (Files.notExists(root)) {
      return;
    }
    try (Stream<Path> tree = Files.walk(root)) {
      for (Path p : tree.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException | RuntimeException e) {
      failure.addSuppressed(e);
    }
  }

  private static void closeQuietly(FileChannel channel, Throwable failure) {
    try {
      channel.close();
    } catch (IOException e) {
      failure.addSuppressed(e);
    }
  }
}
