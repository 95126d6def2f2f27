package io.vigil.pipeline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line's contract: help, one-line reasons and exit statuses. */
class CliTest {

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    return Main.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
  }

  @Test
  void helpListsEverySubcommand() {
    assertEquals(0, run("--help"));
    for (String command : new String[] {"demo", "analyze", "train", "make-clip"}) {
      assertTrue(out.toString().contains(command), "help should list " + command + ":\n" + out);
    }
  }

  @Test
  void subcommandHelpDescribesOptions() {
    assertEquals(0, run("analyze", "--help"));
    assertTrue(out.toString().contains("--model"), out.toString());
    assertTrue(out.toString().contains("--out"), out.toString());
  }

  @Test
  void unknownOptionExitsWithUsageStatusAndOneLineReason() {
    assertEquals(Main.USAGE, run("train", "--epoch", "3"));
    String[] lines = err.toString().strip().split("\n");
    assertEquals(2, lines.length, err.toString());
    assertTrue(lines[0].contains("--epoch"), lines[0]);
    assertTrue(lines[1].contains("vigil train --help"), lines[1]);
  }

  @Test
  void missingRequiredOptionNamesIt() {
    assertEquals(Main.USAGE, run("analyze", "video.mp4", "--out", "r.jsonl"));
    assertTrue(err.toString().contains("--model"), err.toString());
  }

  @Test
  void unknownSubcommandIsAUsageError() {
    assertEquals(Main.USAGE, run("anlyze"));
    assertTrue(err.toString().contains("anlyze"), err.toString());
  }

  @Test
  void badNumberIsAUsageError() {
    assertEquals(Main.USAGE, run("train", "--epochs", "three"));
    assertTrue(err.toString().contains("three"), err.toString());
  }

  @Test
  void aBadRegionOfInterestOrResizeModeIsAUsageErrorSayingWhatIsWrong() {
    assertEquals(
        Main.USAGE, run("analyze", "v.mp4", "--model", "m.vgl", "--out", "r", "--roi", "1,2,3"));
    assertTrue(
        err.toString()
            .contains("region of interest '1,2,3': expected X,Y,WIDTH,HEIGHT (four integers)"),
        err.toString());
    err.getBuffer().setLength(0);
    assertEquals(
        Main.USAGE,
        run("analyze", "v.mp4", "--model", "m.vgl", "--out", "r", "--resize", "squash"));
    assertTrue(
        err.toString().contains("unknown resize mode 'squash'; known: stretch, letterbox"),
        err.toString());
  }

  @Test
  void anUnknownConfigurationKeyFailsWithItsFileLineAndTheNearestKey(@TempDir Path dir)
      throws IOException {
    Path config = dir.resolve("typo.conf");
    Files.writeString(config, "vigil.analyze {\n  batch.max-sise = 8\n}\n");
    assertEquals(
        Main.FAILED,
        run("analyze", "v.mp4", "--model", "m.vgl", "--out", "r", "--config", config.toString()));
    String[] lines = err.toString().strip().split("\n");
    assertEquals(1, lines.length, err.toString());
    assertTrue(lines[0].contains(config + ":2: unknown configuration key"), lines[0]);
    assertTrue(lines[0].contains("did you mean 'vigil.analyze.batch.max-size'?"), lines[0]);
  }

  /** Runs a command line that must be refused as a bad argument, naming {@code what}. */
  private void assertBadArgument(String what, String... args) {
    out.getBuffer().setLength(0);
    err.getBuffer().setLength(0);
    assertEquals(Main.USAGE, run(args), String.join(" ", args) + ":\n" + err);
    String[] lines = err.toString().strip().split("\n");
    assertEquals(2, lines.length, err.toString());
    assertTrue(lines[0].startsWith("vigil: ") && lines[0].contains(what), lines[0]);
    assertTrue(lines[1].contains("--help"), lines[1]);
  }

  @Test
  void valuesOutOfRangeAreBadArguments(@TempDir Path dir) {
    String model = dir.resolve("m.vgl").toString();
    assertBadArgument("--batch 0: must be at least 1", "train", "--batch", "0", "--out", model);
    assertBadArgument("--lr -1: must be a positive number", "train", "--lr", "-1", "--out", model);
    assertBadArgument("--epochs 0", "train", "--epochs", "0", "--out", model);
    assertBadArgument("--momentum 1", "train", "--momentum", "1", "--out", model);
    assertBadArgument("--weight-decay -0.5", "train", "--weight-decay", "-0.5", "--out", model);
    assertBadArgument("--limit 0", "train", "--limit", "0", "--out", model);
    assertBadArgument("--optimizer rmsprop", "train", "--optimizer", "rmsprop", "--out", model);
    assertBadArgument(
        "--batch 0", "analyze", "v.mp4", "--model", "m.vgl", "--out", "r", "--batch", "0");
    assertBadArgument(
        "--fill 300", "analyze", "v.mp4", "--model", "m", "--out", "r", "--fill", "300");
    assertBadArgument("--duration -5", "run", "--duration", "-5");
    assertBadArgument("--classes 0", "model", "summary", "lenet5", "--classes", "0");
    assertBadArgument(
        "--frames-per-item must be at least 1", "make-clip", "--frames-per-item", "0");
    assertBadArgument("--seconds-per-trial 0", "tune", "--seconds-per-trial", "0");
    assertFalse(Files.exists(Path.of(model)), "nothing written");
  }

  @Test
  void anUnknownBackendIsABadArgument(@TempDir Path dir) {
    assertBadArgument(
        "--device cuda: unknown backend 'cuda'",
        "train",
        "--device",
        "cuda",
        "--out",
        dir.resolve("m.vgl").toString());
    assertBadArgument(
        "--device cuda", "analyze", "v.mp4", "--model", "m.vgl", "--out", "r", "--device", "cuda");
    assertBadArgument("--device cpu: no tunable backend 'cpu'", "tune", "--device", "cpu");
  }
}
