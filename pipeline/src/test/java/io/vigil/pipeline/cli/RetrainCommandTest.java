package io.vigil.pipeline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.engine.data.Appearance;
import io.vigil.engine.data.FashionMnist;
import io.vigil.engine.model.Model;
import io.vigil.engine.model.ModelFile;
import io.vigil.pipeline.analyze.TestModels;
import io.vigil.pipeline.video.ClipMaker;
import io.vigil.pipeline.video.ClipSpec;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vigil retrain}: its exit status says what the gate decided (0 passed and written, 3
 * rejected and nothing written), 1 when no clip could be used, 2 for bad arguments.
 */
class RetrainCommandTest {

  @TempDir static Path dir;
  private static Path clip;
  private static Path originalClip;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @BeforeAll
  static void clips() throws Exception {
    ClipMaker train = ClipMaker.fashionMnist(FashionMnist.DEFAULT_DIR, ClipMaker.Split.TRAIN);
    clip = dir.resolve("night.mp4");
    train.make(
        ClipSpec.builder()
            .setItems(600)
            .optFirstIndex(100)
            .optFramesPerItem(1)
            .optScale(28)
            .optAppearance(Appearance.INVERTED)
            .build(),
        clip,
        ClipMaker.Progress.NONE);
    originalClip = dir.resolve("original.mp4");
    ClipMaker.fashionMnist(FashionMnist.DEFAULT_DIR, ClipMaker.Split.TEST)
        .make(
            ClipSpec.builder().setItems(300).optFramesPerItem(1).optScale(28).build(),
            originalClip,
            ClipMaker.Progress.NONE);
  }

  private int run(String... args) {
    return Main.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
  }

  /** A short retraining of the shipped model on the inverted clip, replaying a few originals. */
  private int retrain(Path outFile, String minGainPoints) {
    return run(
        "retrain",
        "--model",
        TestModels.SHIPPED.toString(),
        "--clips",
        clip.toString(),
        "--replay",
        originalClip.toString(),
        "--original-test",
        originalClip.toString(),
        "--epochs",
        "2",
        "--min-gain",
        minGainPoints,
        "--max-original-drop",
        "100",
        "--out",
        outFile.toString());
  }

  @Test
  void aPassingCandidateIsWrittenAndExitsZero() throws Exception {
    Path written = dir.resolve("passed.vgl");
    assertEquals(0, retrain(written, "5"), err.toString());
    assertTrue(out.toString().contains("gate passed"), out.toString());
    Model model = ModelFile.load(written);
    assertEquals(TestModels.shipped().version(), model.provenance().parentVersion());
  }

  @Test
  void aRejectedCandidateWritesNothingAndExitsThree() {
    Path notWritten = dir.resolve("rejected.vgl");
    assertEquals(RetrainCommand.REJECTED, retrain(notWritten, "100"), err.toString());
    assertTrue(out.toString().contains("gate rejected"), out.toString());
    assertFalse(Files.exists(notWritten));
  }

  @Test
  void noUsableClipFailsWithOneAndBadArgumentsExitTwo() throws Exception {
    Path garbage = dir.resolve("garbage.mp4");
    Files.writeString(garbage, "not a video");
    assertEquals(
        Main.FAILED,
        run(
            "retrain",
            "--model",
            TestModels.SHIPPED.toString(),
            "--clips",
            garbage.toString(),
            "--out",
            dir.resolve("x.vgl").toString()));
    assertTrue(err.toString().contains("garbage.mp4"), err.toString());
    assertEquals(
        Main.USAGE,
        run(
            "retrain",
            "--model",
            TestModels.SHIPPED.toString(),
            "--clips",
            clip.toString(),
            "--epochs",
            "0",
            "--out",
            dir.resolve("x.vgl").toString()));
    assertEquals(
        Main.USAGE,
        run(
            "retrain",
            "--model",
            TestModels.SHIPPED.toString(),
            "--clips",
            dir.resolve("missing.mp4").toString(),
            "--out",
            dir.resolve("x.vgl").toString()));
  }
}
