package io.vigil.pipeline.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.pipeline.frame.StreamItem;
import io.vigil.pipeline.result.VersionSpan;
import io.vigil.pipeline.result.VersionSpanTracker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** What every hot swap must leave true, checked on result files, summaries and classifier logs. */
public final class SwapChecks {

  private static final ObjectMapper JSON = new ObjectMapper();

  private SwapChecks() {}

  /** The result lines of a JSONL file, parsed. */
  public static List<JsonNode> results(Path jsonl) throws IOException {
    List<JsonNode> lines = new ArrayList<>();
    for (String line : Files.readAllLines(jsonl)) {
      lines.add(JSON.readTree(line));
    }
    return lines;
  }

  /** A summary file, parsed. */
  public static JsonNode summary(Path file) throws IOException {
    return JSON.readTree(file.toFile());
  }

  /** Asserts that {@code results} are frames 0 to {@code frames - 1}, each once, in order. */
  public static void assertEveryFrameOnce(List<JsonNode> results, long frames, String stream) {
    assertEquals(frames, results.size(), stream + ": one result per frame");
    for (int i = 0; i < results.size(); i++) {
      assertEquals(i, results.get(i).get("frame").asLong(), stream + ": line " + i);
      assertEquals(stream, results.get(i).get("stream").asText());
    }
  }

  /** The version spans the results show, in order. */
  public static List<VersionSpan> spans(List<JsonNode> results) {
    VersionSpanTracker tracker = new VersionSpanTracker(false);
    for (JsonNode r : results) {
      tracker.add(r.get("model").asText(), r.get("frame").asLong());
    }
    return tracker.spans();
  }

  /** The version spans a summary lists, without their accuracy. */
  public static List<VersionSpan> summarySpans(JsonNode summary) {
    List<VersionSpan> spans = new ArrayList<>();
    for (JsonNode v : summary.get("versions")) {
      spans.add(
          new VersionSpan(
              v.get("model").asText(),
              v.get("first_frame").asLong(),
              v.get("last_frame").asLong(),
              v.get("frames").asLong()));
    }
    return spans;
  }

  /** Asserts that the summary lists the spans the results show and names the last one's version. */
  public static void assertSummaryMatches(JsonNode summary, List<JsonNode> results) {
    List<VersionSpan> expected = spans(results);
    assertEquals(expected, summarySpans(summary), summary.toString());
    assertEquals(
        expected.get(expected.size() - 1).model(), summary.get("model").asText(), "last version");
  }

  /**
   * Asserts that every frame of every batch {@code classifier} started (its trial batch aside when
   * {@code trial}) came out under its version: no batch holds two versions.
   *
   * @param versionOf each stream's results: frame index to the version in its result line
   */
  public static void assertBatchesOfOneVersion(
      ScriptedClassifier classifier, boolean trial, Map<String, Map<Long, String>> versionOf) {
    List<List<StreamItem.Frame>> batches = classifier.batches();
    for (int b = trial ? 1 : 0; b < batches.size(); b++) {
      for (StreamItem.Frame f : batches.get(b)) {
        assertEquals(
            classifier.modelVersion(),
            versionOf.get(f.stream()).get(f.index()),
            f.stream() + " frame " + f.index() + " of batch " + b);
      }
    }
  }

  /** Each stream's results as frame index to version. */
  public static Map<Long, String> versionByFrame(List<JsonNode> results) {
    Map<Long, String> map = new HashMap<>();
    for (JsonNode r : results) {
      map.put(r.get("frame").asLong(), r.get("model").asText());
    }
    return map;
  }

  /**
   * Asserts, from a log of {@link ScriptedClassifier}s, that the engine ran one classifier at a
   * time: no batch started on one while another had a batch in flight, and each was closed once,
   * with none of its batches in flight. Batch 0 of the names in {@code tried} is a trial batch, run
   * beside the engine before the swap, and is left out.
   */
  public static void assertOneClassifierAtATime(List<String> log, Set<String> tried) {
    Map<String, Integer> inFlight = new HashMap<>();
    Set<String> closed = new HashSet<>();
    for (String line : List.copyOf(log)) {
      String[] parts = line.split(" ");
      String name = parts[0];
      boolean trial = parts.length == 3 && parts[2].equals("0") && tried.contains(name);
      switch (parts[1]) {
        case "start" -> {
          if (trial) {
            continue;
          }
          for (Map.Entry<String, Integer> other : inFlight.entrySet()) {
            if (!other.getKey().equals(name)) {
              assertEquals(
                  0, other.getValue(), line + " while " + other.getKey() + " runs: " + log);
            }
          }
          assertFalse(closed.contains(name), line + " after its close");
          inFlight.merge(name, 1, Integer::sum);
        }
        case "collect" -> {
          if (!trial) {
            inFlight.merge(name, -1, Integer::sum);
          }
        }
        case "close" -> {
          assertTrue(closed.add(name), name + " closed twice: " + log);
          assertEquals(0, inFlight.getOrDefault(name, 0), name + " closed with batches in flight");
        }
        default -> throw new AssertionError("unknown log line " + line);
      }
    }
  }
}
