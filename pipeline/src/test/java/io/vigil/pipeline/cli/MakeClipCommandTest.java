package io.vigil.pipeline.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.engine.data.FashionMnist;
import io.vigil.pipeline.video.LabelSidecar;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code vigil make-clip}'s options as a user types them. */
class MakeClipCommandTest {

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @TempDir Path tmp;

  private int run(String... args) {
    return Main.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
  }

  @Test
  void helpNamesEveryValueAndItsDefault() {
    assertEquals(0, run("make-clip", "--help"));
    String help = out.toString();
    assertFalse(help.contains("<"), "no field names as placeholders:\n" + help);
    for (String option :
        new String[] {
          "--split=train|test",
          "--appearance=NAME",
          "--change-at=FRAME",
          "--change-to=NAME",
          "--frames-per-item=N",
          "--scale=PIXELS",
          "--seed=SEED"
        }) {
      assertTrue(help.contains(option), option + " in:\n" + help);
    }
    assertTrue(help.contains("Default: 112"), help);
    assertTrue(help.contains("none, inverted, dark-noise, contrast"), help);
  }

  @Test
  void anUnknownAppearanceOrSplitIsAUsageErrorListingTheKnownOnes() {
    assertEquals(Main.USAGE, run("make-clip", "--appearance", "sepia"));
    assertTrue(
        err.toString().contains("unknown appearance 'sepia'; known: none, inverted"),
        err.toString());
    err.getBuffer().setLength(0);
    assertEquals(Main.USAGE, run("make-clip", "--split", "validation"));
    assertTrue(
        err.toString().contains("unknown split 'validation'; known: train, test"), err.toString());
  }

  @Test
  void aChangeNeedsBothItsFrameAndItsAppearanceAndAFrameInsideTheClip() {
    assertEquals(Main.USAGE, run("make-clip", "--change-at", "3"));
    assertTrue(err.toString().contains("--change-to"), err.toString());
    err.getBuffer().setLength(0);
    assertEquals(
        Main.USAGE,
        run(
            "make-clip",
            "--items",
            "2",
            "--frames-per-item",
            "2",
            "--change-at",
            "4",
            "--change-to",
            "inverted"));
    assertTrue(
        err.toString().contains("changeAtFrame 4 is past the last frame: the clip has 4 frames"),
        err.toString());
  }

  @Test
  void makesATrainingClipOfAChangedScene() throws Exception {
    Path clip = tmp.resolve("night.mkv");
    assertEquals(
        0,
        run(
            "make-clip",
            "--out",
            clip.toString(),
            "--split",
            "train",
            "--items",
            "6",
            "--frames-per-item",
            "1",
            "--scale",
            "28",
            "--appearance",
            "dark-noise",
            "--change-at",
            "3",
            "--change-to",
            "inverted"),
        err.toString());
    assertTrue(Files.size(clip) > 0);
    int[] train = Arrays.copyOf(FashionMnist.train(FashionMnist.DEFAULT_DIR).labels(), 6);
    assertArrayEquals(train, LabelSidecar.read(LabelSidecar.pathFor(clip)));
    assertTrue(
        out.toString().contains("6 frames of train images, dark-noise, inverted from frame 3"),
        out.toString());
  }
}
