package io.vigil.pipeline.service;

import static io.vigil.pipeline.service.LabelingFixtures.CLASSES;
import static io.vigil.pipeline.service.LabelingFixtures.INPUT;
import static io.vigil.pipeline.service.LabelingFixtures.doubtful;
import static io.vigil.pipeline.service.LabelingFixtures.frame;
import static io.vigil.pipeline.service.LabelingFixtures.pictureOf;
import static io.vigil.pipeline.service.LabelingFixtures.settings;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.engine.data.LabeledImages;
import io.vigil.pipeline.video.LabelSidecar;
import io.vigil.pipeline.video.LabeledClips;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Labels become a clip in the inbox that the trainer's own reader takes back with the same labels
 * and the same pixels (FFV1 is lossless: the bytes are exact, so the floats are within half a gray
 * level of what the model saw).
 */
class LabeledClipFromQueueTest {

  @TempDir Path dir;

  /** A queue over {@code inbox} holding doubtful frames 0..count-1 of streams "b" and "a". */
  private static LabelingQueue filled(Path inbox, LabelingSettings settings, int count) {
    LabelingQueue q = new LabelingQueue(INPUT, CLASSES, inbox, settings);
    for (String stream : List.of("b", "a")) {
      for (int i = 0; i < count; i++) {
        q.frame(frame(stream, i));
        q.result(doubtful(stream, i, 0.05f));
      }
    }
    return q;
  }

  private static List<String> files(Path inbox) throws IOException {
    try (Stream<Path> s = Files.list(inbox)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void everyFramesPerClipLabelsAClipGoesIntoTheInboxAsTheTrainerReadsIt() throws Exception {
    Path inbox = dir.resolve("inbox");
    LabelingQueue q = filled(inbox, settings(50, 128, 20, 20), 10);
    // Label b's frames and a's frames interleaved, a's in reverse order: the clip is in
    // (stream, frame) order whatever the order of the clicks.
    LabelingQueue.LabelOutcome last = null;
    for (int i = 0; i < 10; i++) {
      assertNull(last == null ? null : last.clip(), "no clip before 20 labels");
      q.label("b-" + String.format("%06d", i), CLASSES.get(i));
      last = q.label("a-" + String.format("%06d", 9 - i), CLASSES.get(9 - i));
    }
    assertNotNull(last.clip(), "the 20th label writes the clip");
    assertNull(last.error());
    assertEquals(0, last.labeled());
    assertEquals(1, q.snapshot().clipsSent());

    Path clip = last.clip();
    assertEquals(inbox, clip.getParent());
    assertTrue(clip.getFileName().toString().matches("labeled-\\d{8}-\\d{6}-1\\.mkv"), "" + clip);
    assertEquals(
        List.of(clip.getFileName().toString(), LabelSidecar.pathFor(clip).getFileName().toString()),
        files(inbox),
        "the clip and its sidecar, no temporary file left");

    LabeledImages back = LabeledClips.read(clip, INPUT, CLASSES);
    assertEquals(20, back.count());
    int[] expected = new int[20];
    for (int i = 0; i < 10; i++) {
      expected[i] = i; // a-00000i was labeled CLASSES.get(i)
      expected[10 + i] = i;
    }
    assertArrayEquals(expected, back.labels());
    int size = INPUT.size();
    for (int f = 0; f < 20; f++) {
      String stream = f < 10 ? "a" : "b";
      float[] seen = frame(stream, f % 10).pixels();
      byte[] got = Arrays.copyOfRange(back.pixels(), f * size, (f + 1) * size);
      assertArrayEquals(pictureOf(stream, f % 10), got, "frame " + f + ": lossless");
      for (int i = 0; i < size; i++) {
        float v = INPUT.normalise((got[i] & 0xff) / 255f);
        assertEquals(seen[i], v, 0.5f / 255 / INPUT.std(), "frame " + f + " pixel " + i);
      }
    }
  }

  @Test
  void submitWritesWhatIsLabeledButNotTooFewForTheTrainersSplit() throws Exception {
    Path inbox = dir.resolve("inbox");
    LabelingQueue q = filled(inbox, settings(50, 128, 50, 20), 15);

    LabelingQueue.RefusedException none =
        assertThrows(LabelingQueue.RefusedException.class, q::submit);
    assertTrue(none.getMessage().contains("no frames are labeled"), none.getMessage());
    for (int i = 0; i < 15; i++) {
      q.label("a-" + String.format("%06d", i), "Bag");
    }
    LabelingQueue.RefusedException few =
        assertThrows(LabelingQueue.RefusedException.class, q::submit);
    assertTrue(few.getMessage().contains("only 15 frames"), few.getMessage());
    assertTrue(few.getMessage().contains("at least 20"), few.getMessage());
    assertEquals(15, q.snapshot().labeled(), "a refused submit keeps the labels");

    for (int i = 0; i < 7; i++) {
      q.label("b-" + String.format("%06d", i), "Sneaker");
    }
    LabelingQueue.Sent sent = q.submit();
    assertEquals(22, sent.frames());
    assertEquals(22, LabeledClips.read(sent.clip(), INPUT, CLASSES).count());
    assertEquals(0, q.snapshot().labeled());
  }

  @Test
  void aFailedWriteKeepsEveryLabelAndSaysWhy() throws Exception {
    // The inbox cannot be made: a file is where its folder should be.
    Path inbox = dir.resolve("inbox");
    Files.writeString(inbox, "not a folder");
    LabelingQueue q = filled(inbox, settings(50, 128, 20, 20), 12);
    LabelingQueue.LabelOutcome outcome = null;
    for (int i = 0; i < 12; i++) {
      q.label("a-" + String.format("%06d", i), "Coat");
      outcome = q.label("b-" + String.format("%06d", i), "Dress");
      if (i == 9) {
        assertNull(outcome.clip());
        assertNotNull(outcome.error(), "the 20th label tried to write");
        assertTrue(outcome.error().contains("20 labeled frames"), outcome.error());
        assertTrue(outcome.error().contains("kept"), outcome.error());
        assertEquals(20, outcome.labeled());
      }
    }
    assertEquals(24, outcome.labeled(), "every later label retried and kept them all");
    assertNotNull(q.snapshot().lastError());
    assertThrows(IOException.class, q::submit);
    assertEquals(24, q.snapshot().labeled());

    Files.delete(inbox);
    LabelingQueue.Sent sent = q.submit();
    assertEquals(24, sent.frames());
    LabeledImages back = LabeledClips.read(sent.clip(), INPUT, CLASSES);
    assertEquals(24, back.count());
    assertEquals(
        12, Arrays.stream(back.labels()).filter(l -> l == CLASSES.indexOf("Coat")).count());
    assertNull(q.snapshot().lastError());
    assertEquals(1, q.snapshot().clipsSent());
  }

  @Test
  void withoutAnInboxLabelsAreRefusedButTheQueueIsShown() {
    LabelingQueue q = filled(null, settings(50, 128, 20, 20), 3);
    assertEquals(3, q.snapshot().streams().get("a").size());
    LabelingQueue.RefusedException e =
        assertThrows(LabelingQueue.RefusedException.class, () -> q.label("a-000001", "Bag"));
    assertTrue(e.getMessage().contains("retraining is off"), e.getMessage());
    assertTrue(q.item("a-000001").isPresent());
    assertThrows(LabelingQueue.RefusedException.class, q::submit);
  }
}
