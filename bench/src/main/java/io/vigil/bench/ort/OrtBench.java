package io.vigil.bench.ort;

import io.vigil.engine.backend.cpu.CpuBackend;
import io.vigil.engine.model.Predictor;
import java.util.Arrays;
import java.util.Random;

/**
 * vigil beside ONNX Runtime on the same ONNX graphs (issue 19's peer), run by {@code
 * bench/engine/ort.sh}. Modes:
 *
 * <ul>
 *   <li>{@code compare GRAPH@B1,B2 ...}: for each graph and batch, checks that the two runtimes'
 *       outputs agree, then prints images/s of vigil (its {@code Predictor}, as the pipeline runs
 *       it) and of ONNX Runtime back to back, with the ratio;
 *   <li>{@code check GRAPH@B1,B2 ...}: the outputs' agreement only, untimed;
 *   <li>{@code profile GRAPH ...}: the time per layer of each at batch 1 ({@link LayerProfile}).
 * </ul>
 *
 * A graph is {@code zoo:NAME} or {@code file:PATH.onnx} ({@link BenchGraph#of}).
 */
public final class OrtBench {

  /** LeNet-5 settles within a second; the zoo networks' kernels take seconds of JIT warm-up. */
  private static final long SMALL_WARM_UP_NANOS = 1_000_000_000L;

  private static final long WARM_UP_NANOS = 5_000_000_000L;

  private OrtBench() {}

  public static void main(String[] args) throws Exception {
    if (!ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) {
      throw new IllegalStateException("run with --add-modules jdk.incubator.vector");
    }
    if (args.length < 2) {
      throw new IllegalArgumentException(
          "usage: OrtBench compare|check GRAPH@BATCH,... ... | profile GRAPH ...; a GRAPH is"
              + " zoo:NAME"
              + " or file:PATH.onnx");
    }
    String[] graphs = Arrays.copyOfRange(args, 1, args.length);
    switch (args[0]) {
      case "compare" -> compare(graphs, true);
      case "check" -> compare(graphs, false);
      case "profile" -> {
        for (String graph : graphs) {
          LayerProfile.run(graph);
        }
      }
      default ->
          throw new IllegalArgumentException(
              "unknown mode '" + args[0] + "'; known: compare, check, profile");
    }
  }

  private static void compare(String[] graphs, boolean timed) throws Exception {
    System.out.printf(
        "# vigil (%s, kernel %s) beside ONNX Runtime 1.22.0 (CPU provider, %d intra-op threads,"
            + " all optimisations) on the same graphs; images/s median [min-max] of %d rounds of"
            + " ~%.0f s%n",
        CpuBackend.shared().name(),
        System.getProperty("vigil.gemm", "auto"),
        OrtPeer.THREADS,
        Rates.ROUNDS,
        Rates.ROUND_NANOS / 1e9);
    for (String spec : graphs) {
      int at = spec.lastIndexOf('@');
      if (at < 0) {
        throw new IllegalArgumentException("graph '" + spec + "' lacks @BATCH,...");
      }
      int[] batches =
          Arrays.stream(spec.substring(at + 1).split(",")).mapToInt(Integer::parseInt).toArray();
      try (BenchGraph graph = BenchGraph.of(spec.substring(0, at));
          OrtPeer ort = new OrtPeer(graph.onnx(), null)) {
        for (int batch : batches) {
          row(graph, ort, batch, timed);
        }
      }
    }
  }

  /** One row: agreement, then vigil's and ONNX Runtime's rates measured back to back. */
  private static void row(BenchGraph graph, OrtPeer ort, int batch, boolean timed)
      throws Exception {
    float[] input = randomImages(batch * graph.imageSize(), batch);
    long warmUp = graph.imageSize() < 4096 ? SMALL_WARM_UP_NANOS : WARM_UP_NANOS;
    try (OrtPeer.Batch theirs = ort.batch(input, graph.shape(batch))) {
      Agreement.check(graph, theirs, input, batch);
      if (!timed) {
        return;
      }
      double[] vigil;
      try (Predictor predictor = graph.model().newPredictor(batch)) {
        float[] probabilities = new float[batch * predictor.numClasses()];
        vigil = Rates.measure(batch, warmUp, () -> predictor.predict(input, batch, probabilities));
      }
      double[] onnxRuntime = Rates.measure(batch, warmUp, theirs::run);
      System.out.printf(
          "%-36s batch %-4d vigil %s  ORT %s  vigil/ORT %.2f%n",
          graph.label(),
          batch,
          Rates.format(vigil),
          Rates.format(onnxRuntime),
          Rates.median(vigil) / Rates.median(onnxRuntime));
    }
  }

  static float[] randomImages(int size, long seed) {
    Random random = new Random(seed);
    float[] x = new float[size];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) random.nextGaussian();
    }
    return x;
  }
}
