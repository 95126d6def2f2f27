package io.vigil.pipeline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.pipeline.analyze.TestModels;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Outputs are checked before any work: a results path that cannot be written fails at once with one
 * line naming it and the problem, before the model or the video is even opened (the tests name a
 * model and videos that do not exist: the output is what they must hear about). What a killed run
 * left is cleaned up by the next.
 */
class OutputChecksTest {

  private static final String TREE = "/usr/share/doc/opencv-doc/examples/data/tree.avi";

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @TempDir Path tmp;

  private int run(String... args) {
    return Main.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
  }

  private String oneLine() {
    String[] lines = err.toString().strip().split("\n");
    assertEquals(1, lines.length, err.toString());
    return lines[0];
  }

  @Test
  void analyzeIntoAnExistingDirectoryFailsAtOnceNamingIt() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("results"));
    String missing = tmp.resolve("missing.mp4").toString();
    String noModel = tmp.resolve("no-model.vgl").toString();
    assertEquals(Main.FAILED, run("analyze", missing, "--model", noModel, "--out", dir.toString()));
    assertEquals("vigil analyze: cannot write " + dir + ": it is a directory", oneLine());
    try (Stream<Path> left = Files.list(tmp)) {
      assertEquals(List.of(dir), left.toList(), "no .part file left beside it");
    }
  }

  @Test
  void analyzeIntoAFolderThatCannotBeCreatedNamesTheFileAndTheFolder() {
    String missing = tmp.resolve("missing.mp4").toString();
    assertEquals(
        Main.FAILED, run("analyze", missing, "--model", "none.vgl", "--out", "/proc/x/r.jsonl"));
    String line = oneLine();
    assertTrue(
        line.startsWith(
            "vigil analyze: cannot write /proc/x/r.jsonl: its folder /proc/x does not exist and"
                + " cannot be created"),
        line);
  }

  @Test
  void analyzeOfManyFilesIntoAFileFailsAtOnce() throws IOException {
    Path file = Files.writeString(tmp.resolve("taken"), "x");
    assertEquals(
        Main.FAILED,
        run("analyze", "a.mp4", "b.mp4", "--model", "none.vgl", "--out", file.toString()));
    assertEquals(
        "vigil analyze: cannot write into " + file + ": it is a file, not a folder", oneLine());
  }

  @Test
  void runIntoAFolderThatCannotBeCreatedFailsBeforeAnyStreamStarts() throws IOException {
    Path config = tmp.resolve("camera.conf");
    Files.writeString(
        config, "vigil.run.streams = [ { id = tree, file = \"" + TREE + "\", loop = true } ]\n");
    assertEquals(
        Main.FAILED,
        run(
            "run",
            "--config",
            config.toString(),
            "--model",
            "none.vgl",
            "--out",
            "/proc/x",
            "--duration",
            "5"));
    assertTrue(oneLine().startsWith("vigil run: cannot write into /proc/x: "), err.toString());
    assertFalse(out.toString().contains("frames"), "nothing ran:\n" + out);
  }

  @Test
  void runRefusesAStreamWhoseResultsPathIsADirectory() throws IOException {
    Path config = tmp.resolve("camera.conf");
    Files.writeString(config, "vigil.run.streams = [ { id = tree, file = \"" + TREE + "\" } ]\n");
    Path outDir = tmp.resolve("out");
    Files.createDirectories(outDir.resolve("tree.summary.json"));
    assertEquals(
        Main.FAILED,
        run(
            "run",
            "--config",
            config.toString(),
            "--model",
            "none.vgl",
            "--out",
            outDir.toString()));
    assertEquals(
        "vigil run: cannot write " + outDir.resolve("tree.summary.json") + ": it is a directory",
        oneLine());
  }

  @Test
  void aRunRemovesWhatAKilledRunLeftForTheSameOutput() throws IOException {
    Path results = tmp.resolve("r.jsonl");
    Path left = Files.writeString(tmp.resolve(".r.jsonl.8125571231.part"), "{\"frame\":0}\n");
    Path notOurs = Files.writeString(tmp.resolve(".other.jsonl.123.part"), "x");
    assertEquals(
        0,
        run("analyze", TREE, "--model", TestModels.SHIPPED.toString(), "--out", results.toString()),
        err.toString());
    assertEquals(68, Files.readAllLines(results).size());
    assertFalse(Files.exists(left), "the killed run's partial file is gone");
    assertTrue(Files.exists(notOurs), "another output's file is left alone");
  }
}
