package io.vigil.pipeline.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.pipeline.realtime.FileLabels;
import io.vigil.pipeline.realtime.StreamLabels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FrameTruthTest {

  private static final List<String> CLASSES = List.of("Sneaker", "Sandal", "Bag");

  @Test
  void timeRangesLabelFramesByPresentationTime() {
    FrameTruth t =
        new FrameTruth(
            Map.of(
                "cam",
                new StreamLabels.Ranges(
                    List.of(new StreamLabels.Range(1_000_000, 2_000_000, "Bag")))),
            CLASSES);
    assertTrue(t.labeled("cam"));
    assertFalse(t.labeled("other"));
    assertNull(t.classOf("cam", 0, 999_999));
    assertEquals("Bag", t.classOf("cam", 7, 1_000_000));
    assertNull(t.classOf("cam", 8, 2_000_000), "the end is exclusive");
  }

  @Test
  void aFileStreamWithoutLabelsOfItsOwnIsCheckedAgainstItsFilesSidecarPassAfterPass() {
    Map<String, FileLabels> files =
        Map.of(
            "looping", new FileLabels(new int[] {0, 1, 2}, true),
            "once", new FileLabels(new int[] {2, 1}, false));
    FrameTruth t =
        new FrameTruth(
            Map.of(
                "once",
                new StreamLabels.Ranges(List.of(new StreamLabels.Range(0, 1_000_000, "Sneaker")))),
            CLASSES,
            id -> Optional.ofNullable(files.get(id)));
    assertTrue(t.labeled("looping"));
    assertFalse(t.labeled("camera"));
    assertEquals("Sneaker", t.classOf("looping", 0, 0));
    assertEquals("Bag", t.classOf("looping", 2, 0));
    assertEquals("Sandal", t.classOf("looping", 3 * 1000 + 1, 0), "the 1001st pass, frame 1");
    assertEquals("Sneaker", t.classOf("once", 0, 0), "the stream's own labels win over its file's");
    assertNull(t.classOf("camera", 0, 0));
    assertEquals(-1, new FileLabels(new int[] {2, 1}, false).labelOf(2), "past a file played once");
  }

  @Test
  void aGrowingSidecarIsReadAsItGrowsWithClassNamesAlone(@TempDir Path dir) throws Exception {
    Path sidecar = dir.resolve("cam.labels.csv");
    Files.writeString(sidecar, "frame,label,class_name\n0,0,Sneaker\n1,,Sandal\n2,1");
    FrameTruth t = new FrameTruth(Map.of("cam", new StreamLabels.Sidecar(sidecar)), CLASSES);
    assertNull(t.classOf("cam", 0, 0), "nothing read before the first refresh");
    t.refresh();
    assertEquals("Sneaker", t.classOf("cam", 0, 0));
    assertEquals("Sandal", t.classOf("cam", 1, 0), "a class name without its index");
    assertNull(t.classOf("cam", 2, 0), "a line still being written waits");
    Files.writeString(sidecar, ",Sandal\n", StandardOpenOption.APPEND);
    t.refresh();
    assertEquals("Sandal", t.classOf("cam", 2, 0));
  }

  @Test
  void labelsFarBehindTheLatestResultAreLetGo(@TempDir Path dir) throws Exception {
    Path sidecar = dir.resolve("cam.labels.csv");
    Files.writeString(sidecar, "frame,label,class_name\n0,2,Bag\n5000,2,Bag\n");
    FrameTruth t = new FrameTruth(Map.of("cam", new StreamLabels.Sidecar(sidecar)), CLASSES);
    t.refresh();
    assertEquals("Bag", t.classOf("cam", 5000, 0));
    t.refresh();
    assertNull(
        t.classOf("cam", 0, 0), "frame 0 is more than " + FrameTruth.KEEP_BEHIND + " behind");
  }

  @Test
  void aMissingSidecarIsNotAnErrorUntilItAppears(@TempDir Path dir) throws Exception {
    Path sidecar = dir.resolve("later.labels.csv");
    FrameTruth t = new FrameTruth(Map.of("cam", new StreamLabels.Sidecar(sidecar)), CLASSES);
    t.refresh();
    assertNull(t.classOf("cam", 0, 0));
    Files.writeString(sidecar, "frame,label,class_name\n0,1,Sandal\n");
    t.refresh();
    assertEquals("Sandal", t.classOf("cam", 0, 0));
  }
}
