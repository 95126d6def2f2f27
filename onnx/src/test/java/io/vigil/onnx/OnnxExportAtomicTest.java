package io.vigil.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.engine.model.Model;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An export writes the whole file or nothing: no partial file, an old file kept on failure. */
class OnnxExportAtomicTest {

  @TempDir Path dir;

  private List<String> listing() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void writesExactlyTheBytesAndNothingBeside() throws Exception {
    Model model = ExportFixtures.zoo("lenet5", 10, 2);
    Path file = dir.resolve("lenet5.onnx");
    OnnxExport.write(model, file);
    assertArrayEquals(OnnxExport.toBytes(model), Files.readAllBytes(file));
    assertEquals(List.of("lenet5.onnx"), listing());
  }

  @Test
  void aRefusedExportLeavesNoFile() throws Exception {
    Model classic = ExportFixtures.zoo("lenet5-classic", 10, 2);
    Path file = dir.resolve("classic.onnx");
    assertThrows(OnnxFormatException.class, () -> OnnxExport.write(classic, file));
    assertEquals(List.of(), listing(), "no file and no temporary file");
  }

  @Test
  void aRefusedExportKeepsTheOldFile() throws Exception {
    Path file = dir.resolve("model.onnx");
    Files.writeString(file, "old contents", StandardCharsets.UTF_8);
    Model classic = ExportFixtures.zoo("lenet5-classic", 10, 2);
    assertThrows(OnnxFormatException.class, () -> OnnxExport.write(classic, file));
    assertEquals("old contents", Files.readString(file, StandardCharsets.UTF_8));
    assertEquals(List.of("model.onnx"), listing());
  }

  @Test
  void aFailedWriteLeavesNoPartialFile() throws Exception {
    // The target is a non-empty folder: the rename over it fails after the bytes were written.
    Path target = dir.resolve("taken.onnx");
    Files.createDirectory(target);
    Files.writeString(target.resolve("keep.txt"), "x", StandardCharsets.UTF_8);
    Model model = ExportFixtures.zoo("lenet5", 10, 2);
    assertThrows(IOException.class, () -> OnnxExport.write(model, target));
    assertTrue(Files.isDirectory(target));
    assertEquals(List.of("taken.onnx"), listing(), "the temporary file is gone");
  }

  @Test
  void overwritesAnOldFileWhole() throws Exception {
    Path file = dir.resolve("model.onnx");
    Files.writeString(file, "old contents", StandardCharsets.UTF_8);
    Model model = ExportFixtures.zoo("lenet5", 10, 3);
    OnnxExport.write(model, file);
    assertArrayEquals(OnnxExport.toBytes(model), Files.readAllBytes(file));
  }
}
