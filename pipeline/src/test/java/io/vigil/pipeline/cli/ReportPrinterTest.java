package io.vigil.pipeline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ReportPrinterTest {

  private static List<String> lines(List<String> names, long[] counts, long frames) {
    StringWriter text = new StringWriter();
    try (PrintWriter out = new PrintWriter(text)) {
      ReportPrinter.perLabel(names, counts, frames, out);
    }
    return text.toString().lines().toList();
  }

  @Test
  void aFewClassesAreAllListedZerosIncluded() {
    List<String> lines = lines(List.of("cat", "dog", "bird"), new long[] {3, 0, 1}, 4);
    assertEquals("frames per label (best label of each frame):", lines.get(0));
    assertEquals(4, lines.size());
    assertTrue(lines.get(2).matches("\\s+dog\\s+0\\s+0\\.0%"), lines.get(2));
  }

  @Test
  void manyClassesListOnlyTheLabelsFramesGot() {
    List<String> names = IntStream.range(0, 1000).mapToObj(Integer::toString).toList();
    long[] counts = new long[1000];
    counts[735] = 7;
    counts[196] = 3;
    List<String> lines = lines(names, counts, 10);
    assertEquals(
        "frames per label (best label of each frame), 998 labels no frame got left out:",
        lines.get(0));
    assertEquals(3, lines.size());
    assertTrue(lines.get(1).matches("\\s+196\\s+3\\s+30\\.0%"), lines.get(1));
    assertTrue(lines.get(2).matches("\\s+735\\s+7\\s+70\\.0%"), lines.get(2));
  }
}
