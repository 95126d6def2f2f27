package io.vigil.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.engine.backend.GemmOp;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tuner scores every candidate and ranks them; its row goes into the user's table, replacing an
 * older row for the device, and the table then gives that device those values over the shipped
 * ones.
 */
class TunerTest {

  @TempDir Path dir;

  @Test
  void ranksEveryCandidate() {
    OpenClTuner tuner = new OpenClTuner(Twin.CL.device(), 0.01);
    List<Map<String, String>> candidates =
        List.of(Map.of("GEMM_RM", "4", "GEMM_VW", "4"), Map.of("GEMM_RM", "2", "GEMM_VW", "8"));
    List<OpenClTuner.Trial> trials =
        tuner.tune(Map.of(), candidates, List.of(GemmOp.of(false, false, 33, 17, 9, 1f, 0f)));
    assertEquals(2, trials.size());
    assertTrue(trials.get(0).gflops() >= trials.get(1).gflops());
    assertTrue(trials.stream().allMatch(t -> t.gflops() > 0 && candidates.contains(t.values())));
  }

  @Test
  void theWrittenRowOverridesTheShippedOneForItsDevice() throws IOException {
    Path file = dir.resolve("opencl-tuning.txt");
    String name = Twin.CL.device().name();
    OpenClTuner.writeRow(file, name, Map.of("GEMM_RM", "6", "GEMM_VW", "4", "GEMM_DOT", "3"));
    OpenClTuner.writeRow(file, name, Map.of("GEMM_RM", "12", "GEMM_VW", "8", "GEMM_DOT", "1"));
    OpenClTuner.writeRow(file, "Other Device", Map.of("GEMM_RM", "2"));
    List<String> rows =
        Files.readAllLines(file, StandardCharsets.UTF_8).stream()
            .filter(l -> !l.startsWith("#"))
            .toList();
    assertEquals(2, rows.size(), "the second row for the device replaced the first: " + rows);

    TuningTable table;
    try (BufferedReader r = Files.newBufferedReader(file)) {
      table = TuningTable.parse(r, file.toString()).over(TuningTable.shipped());
    }
    Map<String, String> values = table.valuesFor(name);
    assertEquals("12", values.get("GEMM_RM"));
    assertEquals("8", values.get("GEMM_VW"));
    assertEquals("1", values.get("GEMM_DOT"));
    assertEquals("64", values.get("WG"), "the shipped default row still applies");
    assertEquals("4", table.valuesFor("some gpu").get("GEMM_RM"), "other devices keep defaults");
  }

  @Test
  void aMalformedRowIsReportedWithItsLine() {
    IllegalArgumentException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            IllegalArgumentException.class,
            () ->
                TuningTable.parse(
                    new BufferedReader(new StringReader("# c\ndefault | WG=64 GEMM_RM\n")),
                    "t.txt"));
    assertEquals("t.txt line 2: 'GEMM_RM' is not NAME=VALUE", e.getMessage());
  }
}
