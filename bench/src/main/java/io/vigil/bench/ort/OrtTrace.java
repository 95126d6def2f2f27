package io.vigil.bench.ort;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * ONNX Runtime's profiling trace (Chrome trace JSON: one event per node kernel per run, {@code
 * "<node>_kernel_time"} with its duration in µs and its operator in {@code args.op_name}, and one
 * {@code model_run} event per run), summed per node over the runs after the warm-up.
 */
final class OrtTrace {

  /** One node of the optimised graph: its operator and its kernel time summed over the runs. */
  record NodeTime(String node, String op, double micros) {}

  private final List<NodeTime> nodes;
  private final int runs;
  private final double runMicros;

  private OrtTrace(List<NodeTime> nodes, int runs, double runMicros) {
    this.nodes = nodes;
    this.runs = runs;
    this.runMicros = runMicros;
  }

  /** Reads {@code file}, leaving out the first {@code warmUpRuns} runs. */
  static OrtTrace read(Path file, int warmUpRuns) throws IOException {
    JsonNode events = new ObjectMapper().readTree(file.toFile());
    if (!events.isArray()) {
      throw new IOException(file + ": not an ONNX Runtime trace (a JSON array of events)");
    }
    List<Long> runStarts = new ArrayList<>();
    List<Long> runDurations = new ArrayList<>();
    for (JsonNode e : events) {
      if ("model_run".equals(e.path("name").asText())) {
        runStarts.add(e.path("ts").asLong());
        runDurations.add(e.path("dur").asLong());
      }
    }
    if (runStarts.size() <= warmUpRuns) {
      throw new IOException(
          file + ": " + runStarts.size() + " runs traced, wanted more than " + warmUpRuns);
    }
    List<Long> sorted = new ArrayList<>(runStarts);
    Collections.sort(sorted);
    long from = sorted.get(warmUpRuns);
    double runMicros = 0;
    for (int i = 0; i < runStarts.size(); i++) {
      if (runStarts.get(i) >= from) {
        runMicros += runDurations.get(i);
      }
    }
    Map<String, NodeTime> byNode = new LinkedHashMap<>();
    for (JsonNode e : events) {
      String name = e.path("name").asText();
      if (!"Node".equals(e.path("cat").asText())
          || !name.endsWith("_kernel_time")
          || e.path("ts").asLong() < from) {
        continue;
      }
      String node = name.substring(0, name.length() - "_kernel_time".length());
      String op = e.path("args").path("op_name").asText("?");
      NodeTime sum = byNode.get(node);
      double micros = e.path("dur").asDouble() + (sum == null ? 0 : sum.micros());
      byNode.put(node, new NodeTime(node, op, micros));
    }
    return new OrtTrace(List.copyOf(byNode.values()), runStarts.size() - warmUpRuns, runMicros);
  }

  /** Nodes in the order first traced, each summed over {@link #runs()} runs. */
  List<NodeTime> nodes() {
    return nodes;
  }

  int runs() {
    return runs;
  }

  /** Mean wall time of one run, in ms. */
  double msPerRun() {
    return runMicros / runs / 1000;
  }
}
