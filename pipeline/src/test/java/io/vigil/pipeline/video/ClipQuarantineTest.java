package io.vigil.pipeline.video;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClipQuarantineTest {

  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2027-01-12T09:30:00Z"), ZoneOffset.UTC);

  @TempDir Path tmp;

  private Path clip(String name, String content, boolean withSidecar) throws Exception {
    Path inbox = Files.createDirectories(tmp.resolve("inbox"));
    Path video = Files.writeString(inbox.resolve(name), content);
    if (withSidecar) {
      Files.writeString(LabelSidecar.pathFor(video), LabelSidecar.HEADER + "\n0,1,Trouser\n");
    }
    return video;
  }

  @Test
  void movesTheClipAndItsSidecarAndWritesWhy() throws Exception {
    Path video = clip("night.mp4", "video bytes", true);
    Path rejected = tmp.resolve("rejected/clips");

    Path moved = ClipQuarantine.moveAside(video, rejected, "the video is damaged", CLOCK);

    assertEquals(rejected.resolve("night.mp4"), moved);
    assertEquals("video bytes", Files.readString(moved));
    assertEquals(
        LabelSidecar.HEADER + "\n0,1,Trouser\n",
        Files.readString(rejected.resolve("night.mp4.labels.csv")));
    assertEquals(
        "clip: " + video + "\nrejected: 2027-01-12T09:30:00Z\nreason: the video is damaged\n",
        Files.readString(rejected.resolve("night.mp4.why.txt")));
    assertFalse(Files.exists(video));
    assertFalse(Files.exists(LabelSidecar.pathFor(video)));
    try (Stream<Path> left = Files.list(rejected)) {
      assertEquals(3, left.count(), "clip, sidecar and note; no temporary file");
    }
  }

  @Test
  void neverOverwritesAnEarlierRejectOfTheSameName() throws Exception {
    Path rejected = tmp.resolve("rejected");
    Path first =
        ClipQuarantine.moveAside(clip("a.mp4", "first", true), rejected, "reason one", CLOCK);
    Path second =
        ClipQuarantine.moveAside(clip("a.mp4", "second", true), rejected, "reason two", CLOCK);
    // Only the note of a third name is taken: that name is skipped too.
    Files.writeString(rejected.resolve("a-2.mp4.why.txt"), "someone's note");
    Path third =
        ClipQuarantine.moveAside(clip("a.mp4", "third", false), rejected, "reason three", CLOCK);

    assertEquals(List.of("a.mp4", "a-1.mp4", "a-3.mp4"), names(first, second, third));
    assertEquals("first", Files.readString(first));
    assertEquals("second", Files.readString(second));
    assertEquals("third", Files.readString(third));
    assertTrue(Files.readString(ClipQuarantine.noteFor(first)).contains("reason: reason one"));
    assertTrue(Files.readString(ClipQuarantine.noteFor(second)).contains("reason: reason two"));
    assertEquals("someone's note", Files.readString(rejected.resolve("a-2.mp4.why.txt")));
    assertFalse(Files.exists(LabelSidecar.pathFor(third)), "the third clip had no sidecar");
    assertTrue(Files.readString(ClipQuarantine.noteFor(third)).contains("reason: reason three"));
  }

  @Test
  void aClipThatIsNotThereIsAnErrorNamingIt() throws Exception {
    Path gone = tmp.resolve("gone.mp4");
    NoSuchFileException e =
        assertThrows(
            NoSuchFileException.class,
            () -> ClipQuarantine.moveAside(gone, tmp.resolve("rejected"), "why", CLOCK));
    assertEquals(gone + ": no clip to move aside", e.getMessage());
    assertFalse(Files.exists(tmp.resolve("rejected")), "nothing created for nothing moved");
  }

  private static List<String> names(Path... paths) {
    return Stream.of(paths).map(p -> p.getFileName().toString()).toList();
  }
}
