package io.vigil.onnx.bench;

import io.vigil.engine.backend.cpu.CpuBackend;
import io.vigil.engine.model.Model;
import io.vigil.engine.model.Predictor;
import io.vigil.engine.model.Provenance;
import io.vigil.engine.network.Network;
import io.vigil.engine.zoo.ResNet;
import io.vigil.onnx.ImportOptions;
import io.vigil.onnx.OnnxImport;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;

/**
 * Inference images/s of ResNet-18 imported from ONNX next to the zoo's ResNet-18 ({@link
 * ResNet#resnet18}, 1000 classes), through {@link Model#newPredictor} on the CPU backend at batch 1
 * and 16. The models take turns: after a warm-up of {@value #WARM_UP_SECONDS} s each, {@value
 * #ROUNDS} rounds of {@value #ROUND_SECONDS} s per model, interleaved, so that the machine's load
 * (it is shared) moves all of them alike. Printed per model: images/s median [min–max] of the
 * rounds, images per second of process CPU time, and the median's ratio to the zoo's.
 *
 * <p>Usage: {@code ImportedVsZoo MODEL.onnx...} (bench/onnx/imported-vs-zoo.sh passes PyTorch's
 * default export and the one that keeps batch norms).
 */
public final class ImportedVsZoo {

  private static final int ROUNDS = 7;
  private static final double ROUND_SECONDS = 1.0;
  private static final double WARM_UP_SECONDS = 6.0;

  private ImportedVsZoo() {}

  public static void main(String[] args) throws Exception {
    if (args.length == 0) {
      throw new IllegalArgumentException("usage: ImportedVsZoo MODEL.onnx...");
    }
    CpuBackend backend = CpuBackend.shared();
    List<String> names = new ArrayList<>();
    List<Model> models = new ArrayList<>();
    Network zoo = Network.fromSpec(ResNet.resnet18(1000), backend);
    zoo.initialise(7);
    names.add("zoo resnet18");
    models.add(
        Model.create(
            "resnet18-zoo",
            zoo,
            ResNet.INPUT,
            IntStream.range(0, 1000).mapToObj(Integer::toString).toList(),
            new Provenance("random", 0, 0, null, "", "bench")));
    for (String file : args) {
      names.add("imported " + Path.of(file).getFileName());
      models.add(OnnxImport.read(Path.of(file), ImportOptions.defaults(), backend));
    }
    System.out.printf(
        "# ResNet-18 3x224x224 on %s; images/s median [min-max] of %d interleaved rounds of %.1f"
            + " s, per CPU-second, ratio of medians to the zoo's%n",
        backend.name(), ROUNDS, ROUND_SECONDS);
    for (int batch : new int[] {1, 16}) {
      float[] input = new float[batch * models.get(0).input().size()];
      Random random = new Random(batch);
      for (int i = 0; i < input.length; i++) {
        input[i] = (float) random.nextGaussian();
      }
      List<Predictor> predictors = new ArrayList<>();
      for (Model m : models) {
        predictors.add(m.newPredictor(batch));
      }
      float[] out = new float[batch * 1000];
      int n = models.size();
      double[][] wall = new double[n][ROUNDS];
      double[][] cpu = new double[n][ROUNDS];
      for (int m = 0; m < n; m++) {
        Predictor p = predictors.get(m);
        int b = batch;
        timed(WARM_UP_SECONDS, () -> p.predict(input, b, out));
      }
      for (int r = 0; r < ROUNDS; r++) {
        for (int m = 0; m < n; m++) {
          Predictor p = predictors.get(m);
          int b = batch;
          double[] rate = timed(ROUND_SECONDS, () -> p.predict(input, b, out));
          wall[m][r] = rate[0] * batch;
          cpu[m][r] = rate[1] * batch;
        }
      }
      double zooMedian = median(wall[0]);
      for (int m = 0; m < n; m++) {
        double[] w = wall[m].clone();
        Arrays.sort(w);
        System.out.printf(
            "batch %2d  %-32s %7.1f [%.1f-%.1f]  per CPU-s %6.1f  ratio %.3f%n",
            batch,
            names.get(m),
            median(wall[m]),
            w[0],
            w[w.length - 1],
            median(cpu[m]),
            median(wall[m]) / zooMedian);
      }
      predictors.forEach(Predictor::close);
    }
  }

  /** Calls per wall second and per second of process CPU time over at least {@code seconds}. */
  private static double[] timed(double seconds, Runnable call) {
    long start = System.nanoTime();
    long cpuStart = processCpuNanos();
    long calls = 0;
    long now;
    do {
      call.run();
      calls++;
      now = System.nanoTime();
    } while (now - start < seconds * 1e9);
    return new double[] {
      calls / ((now - start) / 1e9), calls / ((processCpuNanos() - cpuStart) / 1e9)
    };
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }
}
