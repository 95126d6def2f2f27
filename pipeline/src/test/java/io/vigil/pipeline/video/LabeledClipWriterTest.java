package io.vigil.pipeline.video;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vigil.engine.data.FashionMnist;
import io.vigil.engine.data.LabeledImages;
import io.vigil.engine.zoo.LeNet5;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Labeled frames written as a clip come back pixel for pixel through inference's decoding. */
class LabeledClipWriterTest {

  @TempDir Path dir;

  @Test
  void framesComeBackExactlyWithTheirLabels() throws Exception {
    Random random = new Random(3);
    List<byte[]> frames = new ArrayList<>();
    int[] labels = new int[40];
    for (int i = 0; i < labels.length; i++) {
      byte[] image = new byte[28 * 28];
      random.nextBytes(image);
      frames.add(image);
      labels[i] = random.nextInt(10);
    }
    Path clip = dir.resolve("cam-labeled-1.mkv");
    LabeledClipWriter.write(clip, frames, 1, 28, 28, labels, FashionMnist.CLASS_NAMES, 30);

    LabeledImages back = LabeledClips.read(clip, LeNet5.INPUT, FashionMnist.CLASS_NAMES);
    assertEquals(40, back.count());
    assertArrayEquals(labels, back.labels());
    for (int i = 0; i < 40; i++) {
      byte[] got = new byte[28 * 28];
      System.arraycopy(back.pixels(), i * 28 * 28, got, 0, got.length);
      assertArrayEquals(frames.get(i), got, "frame " + i + " is lossless");
    }
  }

  @Test
  void aFrameOfTheWrongSizeOrAMissingLabelIsRefused() {
    Path clip = dir.resolve("bad.mkv");
    assertThrows(
        IllegalArgumentException.class,
        () ->
            LabeledClipWriter.write(
                clip,
                List.of(new byte[10]),
                1,
                28,
                28,
                new int[] {0},
                FashionMnist.CLASS_NAMES,
                30));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            LabeledClipWriter.write(
                clip, List.of(new byte[784]), 1, 28, 28, new int[0], FashionMnist.CLASS_NAMES, 30));
  }
}
