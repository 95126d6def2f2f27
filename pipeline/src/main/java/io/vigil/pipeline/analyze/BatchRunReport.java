package io.vigil.pipeline.analyze;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.engine.io.AtomicFiles;
import io.vigil.pipeline.stream.PipelineMetrics;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The outcome of a multi-file run.
 *
 * @param outDir where the results went: the output folder, or the one results file
 * @param model the model version serving at the run's end (each file's summary lists the versions
 *     that classified it, where a hot swap happened)
 * @param files one outcome per input file, skipped ones included
 * @param frames frames classified in this run
 * @param elapsed wall time of this run
 * @param cancelled whether the run was cancelled before every file ended
 * @param metrics the pipeline's counters at the end
 */
public record BatchRunReport(
    Path outDir,
    String model,
    List<FileOutcome> files,
    long frames,
    Duration elapsed,
    boolean cancelled,
    PipelineMetrics metrics) {

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** Outcomes with the given status. */
  public List<FileOutcome> with(FileOutcome.Status status) {
    return files.stream().filter(f -> f.status() == status).toList();
  }

  /** Frames classified per second of wall time. */
  public double framesPerSecond() {
    double seconds = elapsed.toNanos() / 1e9;
    return seconds > 0 ? frames / seconds : 0;
  }

  /**
   * Adds this run's record to the run summary ({@code run-summary.json}) at {@code target} and
   * writes it atomically: {@code {"runs": [...]}}, one record per run into the folder, oldest
   * first, so that a rerun which skips the files an earlier run completed keeps that run's figures.
   *
   * @throws IOException when the file cannot be written, or an earlier one cannot be read ({@link
   *     #earlierRuns})
   */
  public Path write(Path target) throws IOException {
    ArrayNode runs = earlierRuns(target);
    runs.add(record());
    ObjectNode root = JSON.createObjectNode();
    root.set("runs", runs);
    AtomicFiles.write(target.toAbsolutePath(), ByteBuffer.wrap(JSON.writeValueAsBytes(root)));
    return target;
  }

  /**
   * The runs a run summary already holds, oldest first: none if {@code file} does not exist; its
   * one run where it was written before runs were kept ({@code {"model": ...}} alone).
   *
   * @throws IOException naming the file when it cannot be read or is not a run summary (so that an
   *     earlier record is never overwritten)
   */
  public static ArrayNode earlierRuns(Path file) throws IOException {
    if (!Files.exists(file)) {
      return JSON.createArrayNode();
    }
    JsonNode root;
    try {
      root = JSON.readTree(file.toFile());
    } catch (JsonProcessingException e) {
      throw new IOException(notASummary(file, e.getOriginalMessage()), e);
    }
    if (root != null && root.path("runs").isArray()) {
      return ((ArrayNode) root.get("runs")).deepCopy();
    }
    if (root != null && root.has("model") && root.path("streams").isArray()) {
      ArrayNode one = JSON.createArrayNode();
      one.add(root);
      return one;
    }
    throw new IOException(notASummary(file, "no runs"));
  }

  private static String notASummary(Path file, String why) {
    return file + ": not a run summary (" + why + "); move it away to start a new one";
  }

  /** This run's record: its model, counts, timing and one entry per file. */
  private ObjectNode record() {
    ObjectNode root = JSON.createObjectNode();
    root.put("ended", Instant.now().toString());
    root.put("model", model);
    root.put("files", files.size());
    root.put("done", with(FileOutcome.Status.DONE).size());
    root.put("skipped", with(FileOutcome.Status.SKIPPED).size());
    root.put("failed", with(FileOutcome.Status.FAILED).size());
    root.put("cancelled", cancelled);
    root.put("frames", frames);
    root.put("elapsed_s", Math.round(elapsed.toMillis()) / 1000.0);
    root.put("frames_per_s", Math.round(framesPerSecond() * 10) / 10.0);
    ArrayNode list = root.putArray("streams");
    for (FileOutcome f : files) {
      ObjectNode n = list.addObject();
      n.put("stream", f.stream());
      n.put("source", f.video().toString());
      n.put("status", f.status().name().toLowerCase(java.util.Locale.ROOT));
      n.put("frames", f.frames());
      if (f.error() != null) {
        n.put("error", f.error());
      }
    }
    return root;
  }
}
