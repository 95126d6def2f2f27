package io.vigil.pipeline.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.engine.model.Model;
import io.vigil.engine.model.ModelFile;
import io.vigil.pipeline.analyze.TestModels;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `vigil train` as a user runs it, on a slice of Fashion-MNIST. */
class TrainCommandTest {

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @TempDir Path tmp;

  private int run(String... args) {
    return Main.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
  }

  @Test
  void trainsWritesAModelNamedAfterTheFileThenFineTunesIt() throws Exception {
    Path first = tmp.resolve("quick.vgl");
    int status =
        run("train", "--limit", "600", "--epochs", "1", "--batch", "32", "--out", first.toString());
    assertEquals(0, status, err.toString());
    Model model = ModelFile.load(first);
    assertEquals("quick", model.name());
    assertTrue(model.version().startsWith("quick-"));
    assertFalse(Files.exists(tmp.resolve("quick.vgl.checkpoint")), "checkpoint removed when done");
    assertTrue(out.toString().contains("confusion matrix"), out.toString());
    assertTrue(out.toString().contains("Ankle boot"), out.toString());
    assertTrue(out.toString().contains(" after 1 epoch in "), out.toString());

    Path tuned = tmp.resolve("tuned.vgl");
    status =
        run(
            "train",
            "--model",
            first.toString(),
            "--limit",
            "300",
            "--epochs",
            "1",
            "--optimizer",
            "adam",
            "--lr",
            "0.0005",
            "--out",
            tuned.toString());
    assertEquals(0, status, err.toString());
    Model child = ModelFile.load(tuned);
    assertEquals(model.version(), child.provenance().parentVersion());
    assertTrue(out.toString().contains("fine-tuning"), out.toString());
  }

  @Test
  void unknownNetworkListsTheZoo() {
    assertEquals(
        Main.FAILED, run("train", "--model", "lenet7", "--out", tmp.resolve("x.vgl").toString()));
    assertTrue(err.toString().contains("lenet7"), err.toString());
    assertTrue(err.toString().contains("lenet5"), err.toString());
  }

  @Test
  void badScheduleIsABadArgumentNamingIt() {
    assertEquals(
        Main.USAGE, run("train", "--schedule", "linear", "--out", tmp.resolve("x.vgl").toString()));
    assertTrue(err.toString().contains("linear"), err.toString());
  }

  @Test
  void aFinishedModelIsReplacedOnlyWithForce() throws Exception {
    Path existing = tmp.resolve("done.vgl");
    Files.copy(TestModels.SHIPPED, existing);
    byte[] before = Files.readAllBytes(existing);
    String[] train = {"train", "--limit", "20", "--epochs", "1", "--out", existing.toString()};
    assertEquals(Main.FAILED, run(train));
    String[] lines = err.toString().strip().split("\n");
    assertEquals(1, lines.length, err.toString());
    assertTrue(lines[0].contains(existing + " already exists"), lines[0]);
    assertTrue(lines[0].contains("--force"), lines[0]);
    assertArrayEquals(before, Files.readAllBytes(existing), "the model is untouched");
    assertFalse(out.toString().contains("training"), "nothing was trained:\n" + out);

    String[] forced = java.util.Arrays.copyOf(train, train.length + 1);
    forced[train.length] = "--force";
    assertEquals(0, run(forced), err.toString());
    assertEquals("done", ModelFile.load(existing).name());
  }
}
