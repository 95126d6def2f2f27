package io.vigil.pipeline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.engine.model.Model;
import io.vigil.engine.model.ModelFile;
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
}
