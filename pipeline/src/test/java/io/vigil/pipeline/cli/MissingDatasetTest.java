package io.vigil.pipeline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Without Fashion-MNIST, the commands that read it say in one line which package to install. */
class MissingDatasetTest {

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @TempDir Path tmp;

  private int run(String... args) {
    return Main.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
  }

  private void assertOneLineNamingThePackage() {
    String text = err.toString().strip();
    assertEquals(1, text.lines().count(), "one line:\n" + text);
    assertTrue(text.contains("dataset-fashion-mnist"), text);
  }

  @Test
  void trainWithoutTheDatasetNamesThePackage() {
    int status =
        run(
            "train",
            "--data",
            tmp.resolve("empty").toString(),
            "--out",
            tmp.resolve("m.vgl").toString());
    assertEquals(Main.FAILED, status, err.toString());
    assertOneLineNamingThePackage();
  }

  @Test
  void trainOnAnEmptyDirectoryNamesThePackage() {
    int status = run("train", "--data", tmp.toString(), "--out", tmp.resolve("m.vgl").toString());
    assertEquals(Main.FAILED, status, err.toString());
    assertOneLineNamingThePackage();
  }

  @Test
  void makeClipWithoutTheDatasetNamesThePackage() {
    int status =
        run(
            "make-clip",
            "--data",
            tmp.resolve("empty").toString(),
            "--out",
            tmp.resolve("clip.mp4").toString());
    assertEquals(Main.FAILED, status, err.toString());
    assertOneLineNamingThePackage();
  }
}
