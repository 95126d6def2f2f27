package io.vigil.engine.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Outputs checked before any work, and what a killed write leaves behind cleaned up. */
class AtomicFilesTest {

  @TempDir Path dir;

  @Test
  void aWritableTargetPassesAndItsFolderIsCreated() throws IOException {
    Path target = dir.resolve("new/deeper/r.jsonl");
    AtomicFiles.checkWritable(target);
    assertTrue(Files.isDirectory(target.getParent()));
    try (Stream<Path> left = Files.list(target.getParent())) {
      assertEquals(List.of(), left.toList(), "the check leaves nothing behind");
    }
  }

  @Test
  void aDirectoryIsNotATargetFile() {
    IOException e = assertThrows(IOException.class, () -> AtomicFiles.checkWritable(dir));
    assertEquals("cannot write " + dir + ": it is a directory", e.getMessage());
  }

  @Test
  void aFolderThatCannotBeCreatedIsNamed() {
    Path target = Path.of("/proc/vigil-no-such/r.jsonl");
    IOException e = assertThrows(IOException.class, () -> AtomicFiles.checkWritable(target));
    assertTrue(
        e.getMessage()
            .startsWith(
                "cannot write "
                    + target
                    + ": its folder /proc/vigil-no-such does not exist and"
                    + " cannot be created ("),
        e.getMessage());
    IOException folder =
        assertThrows(IOException.class, () -> AtomicFiles.checkFolder(Path.of("/proc/x")));
    assertTrue(folder.getMessage().startsWith("cannot write into /proc/x: "), folder.getMessage());
  }

  @Test
  void aFileIsNotAFolder() throws IOException {
    Path file = Files.writeString(dir.resolve("results"), "x");
    IOException e = assertThrows(IOException.class, () -> AtomicFiles.checkFolder(file));
    assertEquals("cannot write into " + file + ": it is a file, not a folder", e.getMessage());
    IOException under =
        assertThrows(IOException.class, () -> AtomicFiles.checkWritable(file.resolve("r.jsonl")));
    assertTrue(under.getMessage().contains("its folder " + file), under.getMessage());
  }

  @Test
  void leftoversOfKilledWritesAreRemovedAndNothingElse() throws IOException {
    Path target = dir.resolve("a.jsonl");
    Path left = AtomicFiles.tempBeside(target);
    Path other = AtomicFiles.tempBeside(dir.resolve("a.jsonl.jsonl"));
    Path kept = Files.writeString(dir.resolve(".a.jsonl.notes.part"), "mine");
    AtomicFiles.write(target, ByteBuffer.wrap(new byte[] {1}));

    assertEquals(1, AtomicFiles.removeLeftovers(target));
    assertTrue(Files.notExists(left));
    assertTrue(Files.exists(other) && Files.exists(kept) && Files.exists(target));
    assertEquals(0, AtomicFiles.removeLeftovers(dir.resolve("absent/b.jsonl")));
  }
}
