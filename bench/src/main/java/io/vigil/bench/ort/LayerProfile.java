package io.vigil.bench.ort;

import io.vigil.engine.backend.Backend;
import io.vigil.engine.layer.Layer;
import io.vigil.engine.network.Network;
import io.vigil.engine.network.NetworkExecutor;
import io.vigil.engine.network.NodeSpec;
import io.vigil.engine.tensor.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where a batch-1 forward pass goes in each runtime, node by node: vigil's time per node ({@link
 * NetworkExecutor#forwardTimed}) beside ONNX Runtime's per-node kernel time from its profiling
 * trace ({@link OrtTrace}). ONNX Runtime's nodes are those of its optimised graph, named after one
 * of the nodes they fuse ({@code fused fc6}, or the activation's name for a convolution with its
 * ReLU), so each is counted under the vigil node whose exported name it starts with, moved to the
 * vigil node that runs it where vigil folds it; layout reorders match none and are shown apart.
 */
final class LayerProfile {

  private static final long WARM_UP_NANOS = 5_000_000_000L;
  private static final long PROFILE_NANOS = 3_000_000_000L;

  /** Rows printed, the slowest in vigil first. */
  private static final int TOP = 15;

  private LayerProfile() {}

  static void run(String source) throws Exception {
    try (BenchGraph graph = BenchGraph.of(source)) {
      Network network = graph.model().network();
      float[] input = OrtBench.randomImages(graph.imageSize(), 1);
      double[] vigilMs = vigil(network, input);
      OrtTrace trace = ort(graph, input);
      print(graph, network, vigilMs, trace);
    }
  }

  /** Mean ms per node over the passes of {@link #PROFILE_NANOS}, after the warm-up. */
  private static double[] vigil(Network network, float[] input) {
    Backend backend = network.backend();
    try (NetworkExecutor executor = network.newExecutor(1, false);
        Tensor in = backend.allocate(network.inputShape().withBatch(1))) {
      backend.upload(input, 0, in, 0, input.length);
      long warmEnd = System.nanoTime() + WARM_UP_NANOS;
      while (System.nanoTime() < warmEnd) {
        executor.forward(in, false);
      }
      long[] nanos = new long[network.layers().size()];
      long end = System.nanoTime() + PROFILE_NANOS;
      int passes = 0;
      while (passes == 0 || System.nanoTime() < end) {
        executor.forwardTimed(in, nanos);
        passes++;
      }
      double[] ms = new double[nanos.length];
      for (int i = 0; i < ms.length; i++) {
        ms[i] = nanos[i] / 1e6 / passes;
      }
      return ms;
    }
  }

  private static OrtTrace ort(BenchGraph graph, float[] input) throws Exception {
    Path dir = Files.createTempDirectory("ort-profile");
    String file;
    int warmUpRuns = 0;
    try (OrtPeer ort = new OrtPeer(graph.onnx(), dir.resolve("trace").toString());
        OrtPeer.Batch batch = ort.batch(input, graph.shape(1))) {
      long warmEnd = System.nanoTime() + WARM_UP_NANOS;
      while (System.nanoTime() < warmEnd) {
        batch.run();
        warmUpRuns++;
      }
      long end = System.nanoTime() + PROFILE_NANOS;
      do {
        batch.run();
      } while (System.nanoTime() < end);
      file = ort.endProfiling();
    }
    try {
      return OrtTrace.read(Path.of(file), warmUpRuns);
    } finally {
      Files.deleteIfExists(Path.of(file));
      Files.deleteIfExists(dir);
    }
  }

  private static void print(BenchGraph graph, Network network, double[] vigilMs, OrtTrace trace) {
    List<NodeSpec> nodes = network.spec().nodes();
    double[] ortMs = new double[nodes.size()];
    List<TreeMap<String, Integer>> ops = new ArrayList<>();
    for (int i = 0; i < nodes.size(); i++) {
      ops.add(new TreeMap<>());
    }
    Map<String, Double> unmatched = new TreeMap<>();
    for (OrtTrace.NodeTime t : trace.nodes()) {
      int i = runBy(network, vigilMs, owner(nodes, t.node().replaceFirst("^fused ", "")));
      double ms = t.micros() / 1000 / trace.runs();
      if (i < 0) {
        unmatched.merge(t.op() + " " + t.node(), ms, Double::sum);
      } else {
        ortMs[i] += ms;
        ops.get(i).merge(t.op(), 1, Integer::sum);
      }
    }
    double vigilTotal = 0;
    double ortTotal = 0;
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < nodes.size(); i++) {
      vigilTotal += vigilMs[i];
      ortTotal += ortMs[i];
      if (vigilMs[i] > 0 || ortMs[i] > 0) {
        order.add(i);
      }
    }
    double unmatchedTotal = unmatched.values().stream().mapToDouble(Double::doubleValue).sum();
    order.sort(Comparator.comparingDouble((Integer i) -> -vigilMs[i]));
    System.out.printf(
        "# per-layer profile, %s, batch 1: ms per pass (vigil: forwardTimed; ORT: its profiler's"
            + " kernel times over %d runs); vigil/ORT > 1 where vigil is slower%n",
        graph.label(), trace.runs());
    System.out.printf(
        "%-22s %-18s %9s %9s %-22s %9s%n",
        "node", "vigil layer", "vigil ms", "ORT ms", "ORT ops", "vigil/ORT");
    for (int k = 0; k < Math.min(TOP, order.size()); k++) {
      int i = order.get(k);
      Layer layer = network.layers().get(i);
      System.out.printf(
          "%-22s %-18s %9.3f %9.3f %-22s %9s%n",
          nodes.get(i).name(),
          layer.getClass().getSimpleName(),
          vigilMs[i],
          ortMs[i],
          String.join("+", ops.get(i).keySet()),
          ortMs[i] > 0 ? String.format("%.2f", vigilMs[i] / ortMs[i]) : "-");
    }
    System.out.printf(
        "%-22s %-18s %9.3f %9.3f %-22s %9.2f%n",
        "all " + order.size() + " nodes",
        "",
        vigilTotal,
        ortTotal + unmatchedTotal,
        "",
        vigilTotal / (ortTotal + unmatchedTotal));
    System.out.printf(
        "# ORT nodes matching no vigil node (layout reorders, ...): %.3f ms %s; ORT's whole run"
            + " %.3f ms%n",
        unmatchedTotal,
        unmatched.entrySet().stream()
            .map(e -> String.format("%s %.3f", e.getKey(), e.getValue()))
            .toList(),
        trace.msPerRun());
  }

  /**
   * The node that runs node {@code i} in vigil: an activation or batch norm folded into its
   * producer, or a view, takes no time of its own, and ONNX Runtime's fusion of the same pair
   * (which may carry the activation's name) is counted under the producer.
   */
  private static int runBy(Network network, double[] vigilMs, int i) {
    while (i >= 0 && vigilMs[i] == 0) {
      int[] from = network.inputsOf(i);
      if (from.length != 1 || from[0] < 0) {
        break;
      }
      i = from[0];
    }
    return i;
  }

  /**
   * The vigil node an optimised ONNX Runtime node came from: the longest vigil node name that the
   * ONNX node's name equals or starts with, followed by a character that cannot continue a name
   * ({@code conv1} owns {@code conv1_relu}, not {@code conv10}); −1 for none.
   */
  private static int owner(List<NodeSpec> nodes, String ortNode) {
    int best = -1;
    for (int i = 0; i < nodes.size(); i++) {
      String name = nodes.get(i).name();
      boolean prefix =
          ortNode.equals(name)
              || (ortNode.startsWith(name)
                  && !Character.isLetterOrDigit(ortNode.charAt(name.length())));
      if (prefix && (best < 0 || name.length() > nodes.get(best).name().length())) {
        best = i;
      }
    }
    return best;
  }
}
