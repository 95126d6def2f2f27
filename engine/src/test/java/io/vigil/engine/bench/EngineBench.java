package io.vigil.engine.bench;

import io.vigil.engine.backend.cpu.CpuBackend;
import io.vigil.engine.data.FashionMnist;
import io.vigil.engine.data.LabeledImages;
import io.vigil.engine.model.InputContract;
import io.vigil.engine.model.Model;
import io.vigil.engine.model.Predictor;
import io.vigil.engine.model.Provenance;
import io.vigil.engine.network.Network;
import io.vigil.engine.train.EpochSummary;
import io.vigil.engine.train.Trainer;
import io.vigil.engine.train.TrainingConfig;
import io.vigil.engine.train.TrainingListener;
import io.vigil.engine.zoo.LeNet5;
import io.vigil.engine.zoo.ModelZoo;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * The engine's benchmark of whole networks (not a unit test): {@code bench/engine/run.sh} runs it
 * beside its peers (PyTorch, OpenCV). The kernels' microbenchmarks (GEMM, convolution paths,
 * pooling, the FP32 peak) are JMH benchmarks in the {@code bench} module. Modes:
 *
 * <ul>
 *   <li>{@code lenet}: LeNet-5 inference images/s at batch 1, 32 and 256 through {@link
 *       Model#newPredictor};
 *   <li>{@code nets}: AlexNet and ResNet-18 inference images/s at batch 1 and 16;
 *   <li>{@code train [dir]}: seconds for one LeNet-5 epoch on Fashion-MNIST, batch 64.
 * </ul>
 *
 * Every figure is the median of five timed rounds of at least {@code 0.4 s} each after a warm-up,
 * with the spread (min–max) printed alongside, since the machine is shared.
 */
public final class EngineBench {

  private static final int ROUNDS = 5;
  private static final double ROUND_SECONDS = 0.4;

  private EngineBench() {}

  public static void main(String[] args) throws Exception {
    if (!ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) {
      throw new IllegalStateException("run with --add-modules jdk.incubator.vector");
    }
    String mode = args.length > 0 ? args[0] : "lenet";
    switch (mode) {
      case "lenet" -> lenet();
      case "nets" -> zooInference("alexnet", "resnet18");
      case "train" -> train(args.length > 1 ? Path.of(args[1]) : FashionMnist.DEFAULT_DIR);
      default ->
          throw new IllegalArgumentException(
              "unknown mode '" + mode + "'; known: lenet, nets, train [dir]");
    }
  }

  // --- LeNet-5 inference -------------------------------------------------------------------

  private static void lenet() {
    Network network = LeNet5.create(7);
    Model model =
        Model.create(
            "lenet5-bench",
            network,
            LeNet5.INPUT,
            FashionMnist.CLASS_NAMES,
            new Provenance("random", 0, 0, null, "", "bench"));
    System.out.printf(
        "# LeNet-5 inference on %s, kernel %s; images/s median [min-max] of %d rounds, and per"
            + " second of process CPU time%n",
        network.backend().name(), System.getProperty("vigil.gemm", "auto"), ROUNDS);
    for (int batch : new int[] {1, 32, 256}) {
      try (Predictor predictor = model.newPredictor(batch)) {
        float[] input = new float[batch * LeNet5.INPUT.size()];
        Random random = new Random(batch);
        for (int i = 0; i < input.length; i++) {
          input[i] = (float) random.nextGaussian();
        }
        float[] out = new float[batch * predictor.numClasses()];
        double[] rates = measure(batch, () -> predictor.predict(input, batch, out));
        System.out.printf("lenet5 batch %-4d images/s %s%n", batch, format(rates, 1));
      }
    }
  }

  // --- AlexNet and ResNet-18 inference --------------------------------------------------

  /** Images/s of zoo networks (random weights, 1000 classes) at batch 1 and 16. */
  private static void zooInference(String... names) {
    System.out.printf(
        "# zoo inference on %s, kernel %s; images/s median [min-max] of %d rounds, and per"
            + " second of process CPU time%n",
        CpuBackend.shared().name(), System.getProperty("vigil.gemm", "auto"), ROUNDS);
    for (String name : names) {
      ModelZoo.Entry entry = ModelZoo.get(name);
      Network network = entry.create(7, 1000);
      InputContract input = entry.input();
      List<String> classes =
          java.util.stream.IntStream.range(0, 1000).mapToObj(i -> "class " + i).toList();
      Model model =
          Model.create(
              name + "-bench",
              network,
              input,
              classes,
              new Provenance("random", 0, 0, null, "", "bench"));
      for (int batch : new int[] {1, 16}) {
        float[] host = new float[batch * input.size()];
        Random random = new Random(batch);
        for (int i = 0; i < host.length; i++) {
          host[i] = (float) random.nextGaussian();
        }
        float[] probabilities = new float[batch * 1000];
        double[] rates;
        try (Predictor predictor = model.newPredictor(batch)) {
          rates =
              measure(
                  batch, ZOO_WARM_UP_NANOS, () -> predictor.predict(host, batch, probabilities));
        }
        System.out.printf(
            "%-8s %dx%dx%d batch %-4d images/s %s%n",
            name, input.channels(), input.height(), input.width(), batch, format(rates, 1));
      }
    }
  }

  // --- LeNet-5 training --------------------------------------------------------------------

  private static void train(Path dir) throws Exception {
    LabeledImages train = FashionMnist.train(dir);
    LabeledImages test = FashionMnist.test(dir).head(1000);
    TrainingConfig config = TrainingConfig.defaults().withEpochs(1);
    System.out.printf(
        "# LeNet-5 training, Fashion-MNIST %d images, batch %d, kernel %s%n",
        train.count(), config.batchSize(), System.getProperty("vigil.gemm", "auto"));
    for (int run = 0; run < 2; run++) {
      Network network = LeNet5.create(42 + run);
      long start = System.nanoTime();
      long cpuStart = processCpuNanos();
      double[] accuracy = {0};
      new Trainer(network, LeNet5.INPUT, config)
          .fit(
              train,
              test,
              new TrainingListener() {
                @Override
                public void onProgress(io.vigil.engine.train.TrainingProgress p) {}

                @Override
                public void onEpochEnd(EpochSummary s) {
                  accuracy[0] = s.testAccuracy();
                }
              });
      double seconds = (System.nanoTime() - start) / 1e9;
      double cpuSeconds = (processCpuNanos() - cpuStart) / 1e9;
      System.out.printf(
          "lenet5 train epoch (run %d%s) s/epoch %.2f  CPU-s %.2f  (test accuracy on 1000: %.3f)%n",
          run + 1, run == 0 ? ", includes JIT warm-up" : "", seconds, cpuSeconds, accuracy[0]);
    }
  }

  // --- timing ------------------------------------------------------------------------------

  /**
   * Work units per second in each of {@link #ROUNDS} rounds, after a warm-up: wall-clock rates,
   * then (from index {@link #ROUNDS}) rates per second of this process's CPU time, which shows what
   * the code does with the CPU it gets when other processes share the machine.
   */
  private static double[] measure(double unitsPerCall, Runnable call) {
    return measure(unitsPerCall, 800_000_000L, call);
  }

  /**
   * The zoo networks' warm-up: AlexNet at batch 1 still sped up from 30 to 55 images/s over its
   * first 5 seconds (the JIT compiling kernels called once per forward pass), where LeNet-5 and
   * GEMM settle within a second.
   */
  private static final long ZOO_WARM_UP_NANOS = 6_000_000_000L;

  /** As {@link #measure(double, Runnable)}, after {@code warmUpNanos} of calls. */
  private static double[] measure(double unitsPerCall, long warmUpNanos, Runnable call) {
    long warmEnd = System.nanoTime() + warmUpNanos;
    while (System.nanoTime() < warmEnd) {
      call.run();
    }
    double[] rates = new double[2 * ROUNDS];
    for (int r = 0; r < ROUNDS; r++) {
      long start = System.nanoTime();
      long cpuStart = processCpuNanos();
      long calls = 0;
      long now;
      do {
        call.run();
        calls++;
        now = System.nanoTime();
      } while (now - start < ROUND_SECONDS * 1e9);
      rates[r] = calls * unitsPerCall / ((now - start) / 1e9);
      rates[ROUNDS + r] = calls * unitsPerCall / ((processCpuNanos() - cpuStart) / 1e9);
    }
    return rates;
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean)
            java.lang.management.ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  /** {@code median [min-max]} of the wall rates, then the median per CPU-second if measured. */
  private static String format(double[] rates, double unit) {
    double[] wall = Arrays.copyOf(rates, Math.min(rates.length, ROUNDS));
    Arrays.sort(wall);
    String text =
        String.format(
            "%9.1f [%.1f-%.1f]",
            wall[wall.length / 2] / unit, wall[0] / unit, wall[wall.length - 1] / unit);
    if (rates.length > ROUNDS) {
      double[] cpu = Arrays.copyOfRange(rates, ROUNDS, rates.length);
      Arrays.sort(cpu);
      text += String.format("  per CPU-s %9.1f", cpu[cpu.length / 2] / unit);
    }
    return text;
  }
}
