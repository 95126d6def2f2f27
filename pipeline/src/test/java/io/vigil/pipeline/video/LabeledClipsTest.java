package io.vigil.pipeline.video;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.engine.data.Appearance;
import io.vigil.engine.data.FashionMnist;
import io.vigil.engine.data.LabeledImages;
import io.vigil.engine.model.InputContract;
import io.vigil.engine.zoo.LeNet5;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.IntFunction;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LabeledClipsTest {

  private static final List<String> CLASSES = FashionMnist.CLASS_NAMES;
  private static final InputContract LENET = LeNet5.INPUT;
  private static final int ITEMS = 30;
  private static final int PER_ITEM = 2;
  private static final int FRAMES = ITEMS * PER_ITEM;
  private static final int FIRST = 300;

  @TempDir static Path shared;
  @TempDir Path tmp;

  private static LabeledImages test;
  private static Path goodMp4;
  private static Path goodAvi;

  @BeforeAll
  static void makeClips() throws IOException {
    test = FashionMnist.test(FashionMnist.DEFAULT_DIR);
    ClipSpec spec =
        ClipSpec.builder()
            .setItems(ITEMS)
            .optFirstIndex(FIRST)
            .optFramesPerItem(PER_ITEM)
            .optScale(56)
            .optAppearance(Appearance.INVERTED)
            .build();
    ClipMaker maker = new ClipMaker(test, CLASSES);
    goodMp4 = maker.make(spec, shared.resolve("inverted.mp4"), ClipMaker.Progress.NONE).video();
    goodAvi = maker.make(spec, shared.resolve("inverted.avi"), ClipMaker.Progress.NONE).video();
  }

  @Test
  void aGoodClipReadsBackAsTheChangedImagesWithTheirLabels() throws Exception {
    LabeledImages read = LabeledClips.read(goodMp4, LENET, CLASSES);

    assertEquals(FRAMES, read.count());
    assertEquals(1, read.channels());
    assertEquals(28, read.height());
    assertEquals(28, read.width());
    LabeledImages expected = Appearance.INVERTED.applyTo(test, 0);
    double sum = 0;
    double worst = 0;
    for (int frame = 0; frame < FRAMES; frame++) {
      int image = FIRST + frame / PER_ITEM;
      assertEquals(test.labels()[image], read.labels()[frame], "label of frame " + frame);
      double diff = meanAbsDiff(read, frame, expected, image);
      sum += diff;
      worst = Math.max(worst, diff);
    }
    // In grey levels (0-255). Measured: mean 0.78, worst frame 1.16 (mpeg4 at q2, 56×56 frames
    // averaged back to 28×28; 0.48 and 0.68 at 112×112, 1.53 and 2.03 at 28×28). The bound is 2
    // levels on average and 4 on any frame; the source image instead of its inverted self would
    // differ by more than 100.
    double mean = sum / FRAMES;
    assertTrue(mean < 2, "mean absolute difference " + mean + " grey levels");
    assertTrue(worst < 4, "worst frame's mean absolute difference " + worst + " grey levels");
    assertTrue(meanAbsDiff(read, 0, test, FIRST) > 100, "frame 0 is the inverted image");
  }

  @Test
  void anRgbContractGetsThreeEqualPlanesOfAGrayClip() throws Exception {
    InputContract rgb = new InputContract(3, 32, 32, 0.5f, 0.25f);
    LabeledImages read = LabeledClips.read(goodAvi, rgb, CLASSES);
    assertEquals(FRAMES, read.count());
    assertEquals(3, read.channels());
    assertEquals(32, read.height());
    int plane = 32 * 32;
    for (int frame = 0; frame < FRAMES; frame += 7) {
      int base = frame * read.imageSize();
      for (int i = 0; i < plane; i++) {
        int r = read.pixels()[base + i] & 0xFF;
        assertEquals(r, read.pixels()[base + plane + i] & 0xFF, 1, "G of frame " + frame);
        assertEquals(r, read.pixels()[base + 2 * plane + i] & 0xFF, 1, "B of frame " + frame);
      }
    }
  }

  @Test
  void aPerChannelContractGivesBackTheSameImagesAsAUniformOne() throws Exception {
    // The images are what the preprocessor resized, whatever normalisation went there and back.
    LabeledImages uniform =
        LabeledClips.read(goodAvi, new InputContract(3, 32, 32, 0.5f, 0.25f), CLASSES);
    LabeledImages perChannel =
        LabeledClips.read(
            goodAvi,
            InputContract.perChannel(
                3,
                32,
                32,
                new float[] {0.485f, 0.456f, 0.406f},
                new float[] {0.229f, 0.224f, 0.225f}),
            CLASSES);
    assertEquals(uniform.count(), perChannel.count());
    for (int i = 0; i < uniform.pixels().length; i++) {
      assertEquals(uniform.pixels()[i] & 0xFF, perChannel.pixels()[i] & 0xFF, "byte " + i);
    }
  }

  @Test
  void readingTwiceGivesTheSamePixels() throws Exception {
    LabeledImages one = LabeledClips.read(goodAvi, LENET, CLASSES);
    LabeledImages two = LabeledClips.read(goodAvi, LENET, CLASSES);
    assertArrayEquals(one.pixels(), two.pixels());
    assertArrayEquals(one.labels(), two.labels());
  }

  @Test
  void aMissingVideoIsRejected() {
    Path missing = tmp.resolve("gone.mp4");
    ClipRejectedException e = rejected(missing);
    assertEquals(missing, e.clip());
    assertEquals("cannot read the video: no such file", e.reason());
    assertEquals(missing + ": cannot read the video: no such file", e.getMessage());
  }

  @Test
  void garbageInPlaceOfAVideoIsRejected() throws Exception {
    Path garbage = tmp.resolve("garbage.mp4");
    byte[] bytes = new byte[20_000];
    new Random(1).nextBytes(bytes);
    Files.write(garbage, bytes);
    writeSidecar(garbage, FRAMES, frame -> labelRow(frame, 0));
    ClipRejectedException e = rejected(garbage);
    assertTrue(e.reason().startsWith("cannot read the video: "), e.reason());
  }

  @Test
  void aTruncatedMp4IsRejected() throws Exception {
    Path cut = truncatedCopy(goodMp4, "cut.mp4");
    ClipRejectedException e = rejected(cut);
    // The index ('moov') is written last, so FFmpeg cannot open an MP4 cut short.
    assertTrue(
        e.reason().startsWith("cannot read the video: not a video file FFmpeg recognises"),
        e.reason());
  }

  @Test
  void aTruncatedAviIsRejectedForItsMissingFrames() throws Exception {
    Path cut = truncatedCopy(goodAvi, "cut.avi");
    ClipRejectedException e = rejected(cut);
    assertTrue(
        e.reason().startsWith("the label sidecar labels 60 frames, but the video decodes to "),
        e.reason());
  }

  @Test
  void aVideoWithConcealedDamageIsRejectedThoughItsFramesAreAllThere() throws Exception {
    byte[] bytes = Files.readAllBytes(goodAvi);
    int from = bytes.length * 3 / 10;
    for (int i = from; i < from + 200; i++) {
      bytes[i] ^= 0x5A;
    }
    Path damaged = Files.write(tmp.resolve("damaged.avi"), bytes);
    Files.copy(LabelSidecar.pathFor(goodAvi), LabelSidecar.pathFor(damaged));
    String reason = rejected(damaged).reason();
    assertTrue(
        reason.startsWith("the video is damaged: damaged.avi: 60 frames decoded (1 with concealed"),
        reason);
  }

  @Test
  void aMissingSidecarIsRejected() throws Exception {
    Path video = Files.copy(goodMp4, tmp.resolve("alone.mp4"));
    assertEquals(
        "no label sidecar: expected alone.mp4.labels.csv beside the video",
        rejected(video).reason());
  }

  @Test
  void aMalformedSidecarIsRejectedNamingTheLine() throws Exception {
    Path video = Files.copy(goodMp4, tmp.resolve("bad.mp4"));
    Path sidecar = LabelSidecar.pathFor(video);
    Files.writeString(sidecar, LabelSidecar.HEADER + "\n0,3,Dress\n2,3,Dress\n");
    assertEquals(
        "malformed label sidecar: "
            + sidecar
            + " line 3: expected frame 1 (in order from 0), got 2",
        rejected(video).reason());
  }

  @Test
  void aSidecarForAnotherNumberOfFramesIsRejectedWithBothCounts() throws Exception {
    Path video = Files.copy(goodMp4, tmp.resolve("short.mp4"));
    writeSidecar(video, FRAMES - 1, frame -> labelRow(frame, 0));
    assertEquals(
        "the label sidecar labels 59 frames, but the video decodes to 60",
        rejected(video).reason());
    writeSidecar(video, FRAMES + 5, frame -> labelRow(frame, 0));
    assertEquals(
        "the label sidecar labels 65 frames, but the video decodes to 60",
        rejected(video).reason());
  }

  @Test
  void aClassTheModelDoesNotKnowIsRejectedListingTheKnownOnes() throws Exception {
    Path video = Files.copy(goodMp4, tmp.resolve("socks.mp4"));
    writeSidecar(video, FRAMES, frame -> frame < 4 ? labelRow(frame, 0) : frame + ",3,Sock");
    assertEquals(
        "class name 'Sock' (label 3, first at frame 4) is not one of the model's classes:"
            + " T-shirt/top, Trouser, Pullover, Dress, Coat, Sandal, Shirt, Sneaker, Bag,"
            + " Ankle boot",
        rejected(video).reason());
  }

  @Test
  void aLabelOutOfTheModelsRangeIsRejected() throws Exception {
    Path video = Files.copy(goodMp4, tmp.resolve("range.mp4"));
    writeSidecar(video, FRAMES, frame -> frame == 9 ? "9,12,Bag" : labelRow(frame, 0));
    assertEquals(
        "label 12 ('Bag', first at frame 9) is out of range: the model has 10 classes, labels 0"
            + " to 9",
        rejected(video).reason());
  }

  @Test
  void aLabelNamedAsAnotherClassIsRejected() throws Exception {
    Path video = Files.copy(goodMp4, tmp.resolve("swapped.mp4"));
    writeSidecar(video, FRAMES, frame -> frame == 0 ? "0,5,Sandal" : frame + ",3,Bag");
    assertEquals(
        "label 3 is named 'Bag' in the sidecar (first at frame 1), but the model's class 3 is"
            + " 'Dress'",
        rejected(video).reason());
  }

  @Test
  void aRejectedClipIsMovedAsideWithItsReason() throws Exception {
    Path inbox = Files.createDirectories(tmp.resolve("inbox"));
    Path video = Files.copy(goodMp4, inbox.resolve("short.mp4"));
    writeSidecar(video, 3, frame -> labelRow(frame, 0));
    ClipRejectedException e = rejected(video);
    Path moved = ClipQuarantine.moveAside(e.clip(), tmp.resolve("rejected"), e.reason());
    assertEquals(tmp.resolve("rejected/short.mp4"), moved);
    assertTrue(Files.exists(LabelSidecar.pathFor(moved)));
    assertTrue(
        Files.readString(ClipQuarantine.noteFor(moved))
            .contains("reason: the label sidecar labels 3 frames, but the video decodes to 60"));
  }

  private static ClipRejectedException rejected(Path clip) {
    return assertThrows(ClipRejectedException.class, () -> LabeledClips.read(clip, LENET, CLASSES));
  }

  /** The sidecar row of {@code frame} that a clip from the test set at {@code first} has. */
  private static String labelRow(int frame, int first) {
    int label = test.labels()[first + frame];
    return frame + "," + label + "," + CLASSES.get(label);
  }

  private static void writeSidecar(Path video, int frames, IntFunction<String> row)
      throws IOException {
    StringBuilder s = new StringBuilder(LabelSidecar.HEADER).append('\n');
    for (int frame = 0; frame < frames; frame++) {
      s.append(row.apply(frame)).append('\n');
    }
    Files.writeString(LabelSidecar.pathFor(video), s, StandardCharsets.UTF_8);
  }

  /** A copy of {@code video} and its sidecar with the video cut to 40 % of its bytes. */
  private Path truncatedCopy(Path video, String name) throws IOException {
    byte[] bytes = Files.readAllBytes(video);
    Path cut = Files.write(tmp.resolve(name), Arrays.copyOf(bytes, bytes.length * 2 / 5));
    Files.copy(LabelSidecar.pathFor(video), LabelSidecar.pathFor(cut));
    return cut;
  }

  /** Mean |a[i] − b[j]| over the pixels of one image, in grey levels. */
  private static double meanAbsDiff(LabeledImages a, int i, LabeledImages b, int j) {
    int size = a.imageSize();
    double sum = 0;
    for (int k = 0; k < size; k++) {
      sum += Math.abs((a.pixels()[i * size + k] & 0xFF) - (b.pixels()[j * size + k] & 0xFF));
    }
    return sum / size;
  }
}
