package io.vigil.pipeline.analyze;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A run into a folder first clears what a killed run left of its own outputs, and only that. */
class OutputLayoutTest {

  @TempDir Path dir;

  @Test
  void preparingAFolderRemovesTheRunsLeftoversAndKeepsEverythingElse() throws IOException {
    Path done = Files.writeString(dir.resolve("a.mp4.jsonl"), "{}\n");
    Files.writeString(dir.resolve(".a.mp4.jsonl.111.part"), "half");
    Files.writeString(dir.resolve(".a.mp4.summary.json.222.part"), "half");
    Files.writeString(dir.resolve(".run-summary.json.333.part"), "half");
    Path otherStream = Files.writeString(dir.resolve(".c.mp4.jsonl.444.part"), "not this run's");

    OutputLayout.folder(dir).prepare(List.of("a.mp4", "b.mp4"));

    try (Stream<Path> left = Files.list(dir)) {
      assertEquals(List.of(otherStream, done), left.sorted().toList());
    }
  }

  @Test
  void preparingCreatesAMissingFolder() throws IOException {
    Path missing = dir.resolve("new/results");
    OutputLayout.folder(missing).prepare(List.of("a.mp4"));
    assertTrue(Files.isDirectory(missing));
  }
}
