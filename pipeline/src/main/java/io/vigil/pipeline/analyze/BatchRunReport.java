package io.vigil.pipeline.analyze;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.engine.io.AtomicFiles;
import io.vigil.pipeline.stream.PipelineMetrics;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
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

  /** Writes the run summary ({@code run-summary.json}) to {@code target}, atomically. */
  public Path write(Path target) throws IOException {
    ObjectNode root = JSON.createObjectNode();
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
      n.put("video", f.video().toString());
      n.put("status", f.status().name().toLowerCase(java.util.Locale.ROOT));
      n.put("frames", f.frames());
      if (f.error() != null) {
        n.put("error", f.error());
      }
    }
    AtomicFiles.write(target.toAbsolutePath(), ByteBuffer.wrap(JSON.writeValueAsBytes(root)));
    return target;
  }
}
