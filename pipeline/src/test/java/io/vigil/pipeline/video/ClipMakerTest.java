package io.vigil.pipeline.video;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.engine.data.Appearance;
import io.vigil.engine.data.FashionMnist;
import io.vigil.engine.data.LabeledImages;
import io.vigil.engine.model.InputContract;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClipMakerTest {

  private static LabeledImages test;

  @TempDir Path tmp;

  @BeforeAll
  static void loadFashionMnist() throws IOException {
    test = FashionMnist.test(FashionMnist.DEFAULT_DIR);
  }

  @Test
  void roundTripThroughVideoGivesBackTheImagesAndLabels() throws Exception {
    int items = 20;
    int perItem = 3;
    int first = 100;
    ClipSpec spec =
        ClipSpec.builder()
            .setItems(items)
            .optFirstIndex(first)
            .optFramesPerItem(perItem)
            .optScale(56)
            .build();
    List<long[]> progress = new ArrayList<>();
    Path video = tmp.resolve("round trip.mp4");
    ClipMaker.Clip clip =
        new ClipMaker(test, FashionMnist.CLASS_NAMES)
            .make(spec, video, (written, total) -> progress.add(new long[] {written, total}));

    assertEquals(60, clip.frames());
    assertEquals(tmp.resolve("round trip.mp4.labels.csv"), clip.sidecar());
    assertEquals(60, progress.size());
    assertArrayEquals(new long[] {60, 60}, progress.get(59));
    try (Stream<Path> files = Files.list(tmp)) {
      assertEquals(2, files.count(), "video and sidecar, no temporary files left");
    }

    int[] labels = LabelSidecar.read(clip.sidecar());
    assertEquals(60, labels.length);
    for (int frame = 0; frame < 60; frame++) {
      assertEquals(
          test.labels()[first + frame / perItem], labels[frame], "label of frame " + frame);
    }

    InputContract contract = new InputContract(1, 28, 28, 0f, 1f);
    float[] x = new float[contract.size()];
    double worst = 0;
    double worstShifted = Double.MAX_VALUE;
    try (VideoDecoder decoder = VideoDecoder.open(video);
        FramePreprocessor pre = new FramePreprocessor(contract)) {
      assertEquals(56, decoder.info().width());
      DecodedFrame frame;
      while ((frame = decoder.next()) != null) {
        pre.toTensor(frame.frame(), x, 0);
        int image = first + (int) (frame.index() / perItem);
        worst = Math.max(worst, meanAbsDiff(x, image, 0));
        worstShifted = Math.min(worstShifted, meanAbsDiff(x, image, 1));
      }
      assertEquals(60, decoder.report().framesDecoded());
      assertEquals(0, decoder.report().framesLost(), decoder.report().summary());
    }
    // Measured: worst frame 0.005 (mpeg4 q2). The same frames compared with the image moved by
    // one pixel differ by at least 0.04, so the bound would catch an offset or a transposition.
    assertTrue(worst < 0.02, "worst frame's mean absolute difference " + worst);
    assertTrue(worstShifted > 0.02, "a one-pixel shift must exceed the bound: " + worstShifted);
  }

  /** Mean |x − image| in [0, 1] units, the image moved {@code shift} pixels right. */
  private static double meanAbsDiff(float[] x, int image, int shift) {
    return meanAbsDiff(x, test, image, shift);
  }

  private static double meanAbsDiff(float[] x, LabeledImages images, int image, int shift) {
    double sum = 0;
    for (int y = 0; y < 28; y++) {
      for (int c = 0; c < 28; c++) {
        int sc = Math.max(0, c - shift);
        sum += Math.abs(x[y * 28 + c] - images.pixel(image, y, sc));
      }
    }
    return sum / 784;
  }

  @Test
  void aSceneThatChangesMidClipRoundTripsThroughVideo() throws Exception {
    int first = 200;
    ClipSpec spec =
        ClipSpec.builder()
            .setItems(12)
            .optFirstIndex(first)
            .optFramesPerItem(2)
            .optScale(56)
            .optChange(11, Appearance.INVERTED)
            .build();
    Path video = tmp.resolve("change.mkv");
    new ClipMaker(test, FashionMnist.CLASS_NAMES).make(spec, video, ClipMaker.Progress.NONE);

    LabeledImages inverted = Appearance.INVERTED.applyTo(test, 0);
    InputContract contract = new InputContract(1, 28, 28, 0f, 1f);
    float[] x = new float[contract.size()];
    try (VideoDecoder decoder = VideoDecoder.open(video);
        FramePreprocessor pre = new FramePreprocessor(contract)) {
      DecodedFrame frame;
      while ((frame = decoder.next()) != null) {
        pre.toTensor(frame.frame(), x, 0);
        int image = first + (int) (frame.index() / 2);
        double plain = meanAbsDiff(x, test, image, 0);
        double changed = meanAbsDiff(x, inverted, image, 0);
        // The same bound as the plain round trip; the other scene is far from it (an inverted
        // image differs from its source by far more than 0.02 on average).
        if (frame.index() < 11) {
          assertTrue(plain < 0.02 && changed > 0.2, frame.index() + ": " + plain + ", " + changed);
        } else {
          assertTrue(changed < 0.02 && plain > 0.2, frame.index() + ": " + plain + ", " + changed);
        }
      }
      assertEquals(24, decoder.report().framesDecoded());
    }
  }

  @Test
  void theSplitPicksTrainingOrTestImages() throws Exception {
    LabeledImages train = FashionMnist.train(FashionMnist.DEFAULT_DIR);
    ClipSpec spec = ClipSpec.builder().setItems(10).optFramesPerItem(1).optScale(28).build();
    Path fromTrain = tmp.resolve("train.mp4");
    Path fromTest = tmp.resolve("test.mp4");
    ClipMaker.fashionMnist(FashionMnist.DEFAULT_DIR, ClipMaker.Split.TRAIN)
        .make(spec, fromTrain, ClipMaker.Progress.NONE);
    ClipMaker.fashionMnist(FashionMnist.DEFAULT_DIR, ClipMaker.Split.TEST)
        .make(spec, fromTest, ClipMaker.Progress.NONE);

    int[] trainLabels = Arrays.copyOf(train.labels(), 10);
    int[] testLabels = Arrays.copyOf(test.labels(), 10);
    assertFalse(Arrays.equals(trainLabels, testLabels), "the splits start with other labels");
    assertArrayEquals(trainLabels, LabelSidecar.read(LabelSidecar.pathFor(fromTrain)));
    assertArrayEquals(testLabels, LabelSidecar.read(LabelSidecar.pathFor(fromTest)));

    InputContract contract = new InputContract(1, 28, 28, 0f, 1f);
    float[] x = new float[contract.size()];
    try (VideoDecoder decoder = VideoDecoder.open(fromTrain);
        FramePreprocessor pre = new FramePreprocessor(contract)) {
      DecodedFrame frame;
      while ((frame = decoder.next()) != null) {
        pre.toTensor(frame.frame(), x, 0);
        int i = (int) frame.index();
        assertTrue(meanAbsDiff(x, train, i, 0) < 0.02, "frame " + i + " shows train image " + i);
        assertTrue(meanAbsDiff(x, test, i, 0) > 0.05, "frame " + i + " is not test image " + i);
      }
    }
  }

  @Test
  void hundredItemClipInAviWithAllEffects() throws Exception {
    ClipSpec spec =
        ClipSpec.builder()
            .setItems(100)
            .optFramesPerItem(5)
            .optScale(112)
            .optMotion(12)
            .optNoise(0.05)
            .optBrightness(1.3)
            .optSeed(7)
            .build();
    Path video = tmp.resolve("effects.avi");
    new ClipMaker(test, FashionMnist.CLASS_NAMES).make(spec, video, ClipMaker.Progress.NONE);
    try (VideoDecoder decoder = VideoDecoder.open(video)) {
      while (decoder.next() != null) {
        // count only
      }
      assertEquals(500, decoder.report().framesDecoded());
      assertEquals(112, decoder.info().width());
    }
    assertEquals(500, LabelSidecar.read(LabelSidecar.pathFor(video)).length);
  }

  @Test
  void failedPublicationLeavesNoFilesBehind() throws Exception {
    // The video's name is taken by a non-empty directory, so the final rename fails.
    Path video = Files.createDirectory(tmp.resolve("taken.mp4"));
    Files.writeString(video.resolve("keep"), "x");
    ClipSpec spec = ClipSpec.builder().setItems(2).optFramesPerItem(1).optScale(32).build();
    assertThrows(
        IOException.class,
        () ->
            new ClipMaker(test, FashionMnist.CLASS_NAMES)
                .make(spec, video, ClipMaker.Progress.NONE));
    try (Stream<Path> files = Files.list(tmp)) {
      assertEquals(List.of(video), files.toList(), "no temporary file and no orphan sidecar");
    }
  }

  @Test
  void rejectsUnknownExtensionAndImagesBeyondTheSet() {
    ClipMaker maker = new ClipMaker(test, FashionMnist.CLASS_NAMES);
    ClipSpec spec = ClipSpec.builder().setItems(1).build();
    IllegalArgumentException ext =
        assertThrows(
            IllegalArgumentException.class,
            () -> maker.make(spec, tmp.resolve("clip.gif"), ClipMaker.Progress.NONE));
    assertTrue(ext.getMessage().contains("clip.gif: unsupported extension"), ext.getMessage());
    ClipSpec beyond = ClipSpec.builder().setItems(2).optFirstIndex(9_999).build();
    IllegalArgumentException range =
        assertThrows(
            IllegalArgumentException.class,
            () -> maker.make(beyond, tmp.resolve("clip.mp4"), ClipMaker.Progress.NONE));
    assertTrue(range.getMessage().contains("the image set has 10000"), range.getMessage());
    assertFalse(Files.exists(tmp.resolve("clip.mp4")));
  }
}
