package io.vigil.engine.bench;

import io.vigil.engine.backend.GemmOp;
import io.vigil.engine.backend.cpu.CpuBackend;
import io.vigil.engine.data.FashionMnist;
import io.vigil.engine.data.LabeledImages;
import io.vigil.engine.model.InputContract;
import io.vigil.engine.model.Model;
import io.vigil.engine.model.Predictor;
import io.vigil.engine.model.Provenance;
import io.vigil.engine.network.Network;
import io.vigil.engine.tensor.Shape;
import io.vigil.engine.tensor.Tensor;
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
import java.util.concurrent.CountDownLatch;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The engine's benchmark (not a unit test): {@code bench/engine/run.sh} runs it. Modes:
 *
 * <ul>
 *   <li>{@code peak [threads]}: the FP32 peak of this machine as a Vector API loop of independent
 *       FMAs reaches it on 1 and on {@code threads} threads, the yardstick for the GEMM rows;
 *   <li>{@code gemm [threads]}: GFLOP/s of {@link CpuBackend#gemm} on M=N=K=1024 and on the GEMMs
 *       that the convolutions of LeNet-5, AlexNet and ResNet-18 issue (im2col layout: weights
 *       {@code K × C·kH·kW} times columns {@code C·kH·kW × H'·W'}, one product per image, shared
 *       weights);
 *   <li>{@code lenet}: LeNet-5 inference images/s at batch 1, 32 and 256 through {@link
 *       Model#newPredictor};
 *   <li>{@code train [dir]}: seconds for one LeNet-5 epoch on Fashion-MNIST, batch 64.
 * </ul>
 *
 * Every figure is the median of five timed rounds of at least {@code 0.4 s} each after a warm-up,
 * with the spread (min–max) printed alongside, since the machine is shared.
 */
public final class EngineBench {

  private static final int ROUNDS = 5;
  private static final double ROUND_SECONDS = 0.4;

  /**
   * One convolution's GEMM: filters K, patch P = C·kH·kW, positions Q = H'·W', images. Over several
   * images each product reads the same columns: with at least two images per thread, {@code
   * CpuBackend.convolve} unfolds one image and multiplies it at once, so the product reads columns
   * just written to cache. A batched GEMM over a whole batch's columns would stream them from
   * memory instead (LeNet-5's conv1 at batch 256: 20 MB, 80 GFLOP/s on 2 threads), which the engine
   * never runs. At batch 1 the columns are the whole image's, as the engine unfolds them.
   */
  record ConvShape(String name, int filters, int patch, int positions, int images) {}

  static final List<ConvShape> CONV_SHAPES =
      List.of(
          new ConvShape("lenet conv1 (batch 256)", 6, 25, 784, 256),
          new ConvShape("lenet conv2 (batch 256)", 16, 150, 100, 256),
          new ConvShape("alexnet conv1 11x11/4", 64, 363, 3025, 1),
          new ConvShape("alexnet conv2 5x5", 192, 1600, 729, 1),
          new ConvShape("alexnet conv3 3x3", 384, 1728, 169, 1),
          new ConvShape("alexnet conv4 3x3", 256, 3456, 169, 1),
          new ConvShape("alexnet conv5 3x3", 256, 2304, 169, 1),
          new ConvShape("resnet18 conv1 7x7/2", 64, 147, 12544, 1),
          new ConvShape("resnet18 layer1 3x3", 64, 576, 3136, 1),
          new ConvShape("resnet18 layer2 3x3", 128, 1152, 784, 1),
          new ConvShape("resnet18 layer3 3x3", 256, 2304, 196, 1),
          new ConvShape("resnet18 layer4 3x3", 512, 4608, 49, 1),
          new ConvShape("resnet18 layer2 3x3/2", 128, 576, 784, 1),
          new ConvShape("resnet18 layer3 3x3/2", 256, 1152, 196, 1),
          new ConvShape("resnet18 layer4 3x3/2", 512, 2304, 49, 1),
          new ConvShape("resnet18 layer2 1x1/2", 128, 64, 784, 1),
          new ConvShape("resnet18 layer3 1x1/2", 256, 128, 196, 1),
          new ConvShape("resnet18 layer4 1x1/2", 512, 256, 49, 1),
          new ConvShape("resnet18 layer1 3x3 (batch 16)", 64, 576, 3136, 16));

  private EngineBench() {}

  public static void main(String[] args) throws Exception {
    if (!ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) {
      throw new IllegalStateException("run with --add-modules jdk.incubator.vector");
    }
    String mode = args.length > 0 ? args[0] : "gemm";
    switch (mode) {
      case "peak" -> peak(args.length > 1 ? Integer.parseInt(args[1]) : 2);
      case "gemm" -> {
        rowFilter = args.length > 2 ? args[2] : "";
        gemm(args.length > 1 ? Integer.parseInt(args[1]) : 2);
      }
      case "lenet" -> lenet();
      case "nets" -> zooInference("alexnet", "resnet18");
      case "train" -> train(args.length > 1 ? Path.of(args[1]) : FashionMnist.DEFAULT_DIR);
      default ->
          throw new IllegalArgumentException(
              "unknown mode '"
                  + mode
                  + "'; known: peak [threads], gemm [threads], lenet, train [dir]");
    }
  }

  // --- FP32 peak ---------------------------------------------------------------------------

  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

  private static void peak(int threads) throws InterruptedException {
    System.out.printf(
        "# FP32 peak, %d-lane FMA loop; GFLOP/s median [min-max] of %d rounds%n",
        S.length(), ROUNDS);
    for (int t : threads == 1 ? new int[] {1} : new int[] {1, threads}) {
      double[] rates = new double[ROUNDS];
      for (int r = 0; r < ROUNDS; r++) {
        rates[r] = peakOnce(t);
      }
      System.out.printf("peak %d thread%s GFLOP/s %s%n", t, t == 1 ? " " : "s", format(rates, 1e9));
    }
  }

  /** FLOP/s of {@code threads} threads each running {@link #fmaLoop} at once. */
  private static double peakOnce(int threads) throws InterruptedException {
    long iterations = 40_000_000L;
    fmaLoop(iterations / 20); // compile it first
    CountDownLatch start = new CountDownLatch(1);
    Thread[] workers = new Thread[threads];
    float[] sink = new float[threads];
    for (int i = 0; i < threads; i++) {
      int id = i;
      workers[i] =
          new Thread(
              () -> {
                try {
                  start.await();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                  return;
                }
                sink[id] = fmaLoop(iterations);
              });
      workers[i].start();
    }
    long t0 = System.nanoTime();
    start.countDown();
    for (Thread w : workers) {
      w.join();
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    return threads * iterations * 12.0 * 2 * S.length() / seconds;
  }

  /** Twelve independent FMA chains: enough to cover the FMA latency on every current x86 core. */
  private static float fmaLoop(long iterations) {
    FloatVector x = FloatVector.broadcast(S, 1.0000001f);
    FloatVector y = FloatVector.broadcast(S, 0.9999999f);
    FloatVector c0 = FloatVector.zero(S);
    FloatVector c1 = c0;
    FloatVector c2 = c0;
    FloatVector c3 = c0;
    FloatVector c4 = c0;
    FloatVector c5 = c0;
    FloatVector c6 = c0;
    FloatVector c7 = c0;
    FloatVector c8 = c0;
    FloatVector c9 = c0;
    FloatVector c10 = c0;
    FloatVector c11 = c0;
    for (long i = 0; i < iterations; i++) {
      c0 = x.fma(y, c0);
      c1 = x.fma(y, c1);
      c2 = x.fma(y, c2);
      c3 = x.fma(y, c3);
      c4 = x.fma(y, c4);
      c5 = x.fma(y, c5);
      c6 = x.fma(y, c6);
      c7 = x.fma(y, c7);
      c8 = x.fma(y, c8);
      c9 = x.fma(y, c9);
      c10 = x.fma(y, c10);
      c11 = x.fma(y, c11);
    }
    return c0.add(c1)
        .add(c2)
        .add(c3)
        .add(c4)
        .add(c5)
        .add(c6)
        .add(c7)
        .add(c8)
        .add(c9)
        .add(c10)
        .add(c11)
        .lane(0);
  }

  // --- GEMM --------------------------------------------------------------------------------

  private static void gemm(int threads) {
    CpuBackend backend = new CpuBackend(threads);
    System.out.printf(
        "# GEMM on %s, kernel %s; GFLOP/s median [min-max] of %d rounds, and per second of"
            + " process CPU time%n",
        backend.name(), System.getProperty("vigil.gemm", "auto"), ROUNDS);
    System.out.printf("%-34s %8s %8s %8s %6s  %s%n", "shape", "M", "N", "K", "batch", "GFLOP/s");
    row(backend, "square 1024", GemmOp.of(false, false, 1024, 1024, 1024, 1f, 0f));
    row(
        backend,
        "square 1024, A and B transposed",
        GemmOp.of(true, true, 1024, 1024, 1024, 1f, 0f));
    for (ConvShape s : CONV_SHAPES) {
      GemmOp op =
          GemmOp.of(false, false, s.filters(), s.positions(), s.patch(), 1f, 0f)
              .batched(s.images(), 0, 0, s.filters() * s.positions());
      row(backend, s.name(), op);
    }
    row(backend, "lenet fc1 (batch 256)", GemmOp.of(false, true, 256, 120, 400, 1f, 0f));
    // AlexNet's first fully connected layer: a matrix-vector product at batch 1 (151 MB of
    // weights read once per image: memory-bound).
    row(backend, "alexnet fc6 (batch 1)", GemmOp.of(false, true, 1, 4096, 9216, 1f, 0f));
    row(backend, "alexnet fc6 (batch 16)", GemmOp.of(false, true, 16, 4096, 9216, 1f, 0f));
    // LeNet's convolutions in training: batch 64 shared between 2 workers.
    // LeNet's conv1 reads the images: no input gradient is computed for it.
    trainingRows(backend, "lenet conv1", 6, 25, 784, 32, false);
    trainingRows(backend, "lenet conv2", 16, 150, 100, 32, true);
    // The three GEMMs of vgg-small's widest convolutions at training batch 64.
    trainingRows(backend, "vgg-small conv1_2", 32, 288, 784, 64, true);
    trainingRows(backend, "vgg-small conv2_2", 64, 576, 196, 64, true);
  }

  /**
   * Forward, weight-gradient and input-gradient GEMMs of one convolution over a batch, as the
   * training step runs them: the forward product per image on columns just unfolded (read from
   * cache, see {@link ConvShape}); the weight gradient as one sum over the batch's columns; the
   * input gradient per image with A the weights transposed once per step ({@code Wᵀ}, read in
   * place), into one slice of columns per thread that col2im then reads from cache (see {@code
   * CpuBackend.convolveBackwardInput}): here four images per thread, whose columns stay in cache
   * from round to round (7 MB for vgg-small's conv1_2 on 2 threads).
   */
  private static void trainingRows(
      CpuBackend backend,
      String name,
      int filters,
      int patch,
      int positions,
      int batch,
      boolean inputGradient) {
    int k = filters;
    int p = patch;
    int q = positions;
    row(
        backend,
        name + " y (batch " + batch + ")",
        GemmOp.of(false, false, k, q, p, 1f, 0f).batched(batch, 0, 0, k * q));
    row(
        backend,
        name + " dW (sum over " + batch + ")",
        GemmOp.of(false, true, k, p, q, 1f, 1f).batched(batch, k * q, p * q, 0));
    if (!inputGradient) {
      return;
    }
    int images = 4 * backend.threads();
    row(
        backend,
        name + " dX (" + images + " images)",
        GemmOp.of(false, false, p, q, k, 1f, 0f).batched(images, 0, k * q, p * q));
  }

  /** Only GEMM rows whose name contains this run ({@code gemm THREADS FILTER}). */
  private static String rowFilter = "";

  private static void row(CpuBackend backend, String name, GemmOp op) {
    if (!name.contains(rowFilter)) {
      return;
    }
    Random random = new Random(1);
    Tensor a = filled(backend, (op.batch() - 1) * op.strideA() + op.m() * op.k(), random);
    Tensor b = filled(backend, (op.batch() - 1) * op.strideB() + op.k() * op.n(), random);
    Tensor c = filled(backend, (op.batch() - 1) * op.strideC() + op.m() * op.n(), random);
    Tensor ws = backend.allocate(new Shape(1, 1, 1, Math.max(1, backend.gemmWorkspaceSize(op))));
    double flops = 2.0 * op.m() * op.n() * op.k() * op.batch();
    double[] rates = measure(flops, () -> backend.gemm(op, a, 0, b, 0, c, 0, ws));
    System.out.printf(
        "%-34s %8d %8d %8d %6d  %s%n",
        name, op.m(), op.n(), op.k(), op.batch(), format(rates, 1e9));
  }

  private static Tensor filled(CpuBackend backend, int size, Random random) {
    float[] v = new float[size];
    for (int i = 0; i < size; i++) {
      v[i] = (float) random.nextGaussian();
    }
    Tensor t = backend.allocate(new Shape(1, 1, 1, size));
    backend.upload(v, 0, t, 0, size);
    return t;
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
