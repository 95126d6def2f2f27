package io.vigil.opencl.bench;

import io.vigil.engine.backend.Backend;
import io.vigil.engine.backend.GemmOp;
import io.vigil.engine.backend.cpu.CpuBackend;
import io.vigil.engine.data.FashionMnist;
import io.vigil.engine.data.LabeledImages;
import io.vigil.engine.network.Network;
import io.vigil.engine.network.NetworkExecutor;
import io.vigil.engine.network.NetworkSpec;
import io.vigil.engine.tensor.Shape;
import io.vigil.engine.tensor.Tensor;
import io.vigil.engine.train.Trainer;
import io.vigil.engine.train.TrainingConfig;
import io.vigil.engine.train.TrainingListener;
import io.vigil.engine.train.TrainingResult;
import io.vigil.engine.zoo.AlexNet;
import io.vigil.engine.zoo.LeNet5;
import io.vigil.engine.zoo.ResNet;
import io.vigil.engine.zoo.Vgg;
import io.vigil.opencl.OpenClBackend;
import io.vigil.opencl.WinogradLayers;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The OpenCL rows of the benchmark, each next to the CPU backend's figure from the same run: GEMM
 * GFLOP/s ({@code 2·m·n·k} per product), LeNet-5 and ResNet-18 inference images/s (upload, forward,
 * download of the logits) and LeNet-5 training time for one short epoch. GEMM and inference figures
 * are the best of a few short timings taken alternately on the two backends (see {@link
 * #bestOfRounds}), and {@link PipelinedRows}: predict against submit/collect with two batches in
 * flight. {@code nets} (or one of {@code resnet18}, {@code alexnet}, {@code vgg11}) times ResNet-18
 * and AlexNet at batch 1, 8 and 32 and VGG-11 at 1 and 8 (its batch 32 needs more memory than the
 * benchmark's heap). Not a test: run by {@code bench/opencl/run.sh
 * [gemm|lenet|resnet|nets|resnet18|alexnet|vgg11|pipelined|train|all] [device]}; {@code profile}
 * (not part of {@code all}) prints {@link LeNetProfile}, {@code winograd} (nor that) {@link
 * WinogradLayers}, {@code layers} (nor that) {@link LayerTimes} of AlexNet at batch 1 and 32.
 */
public final class OpenClBench {

  /** Seconds of one timing; each figure is the best of {@link #ROUNDS} of them. */
  static final double SECONDS = 0.5;

  private static final int ROUNDS = 3;

  private OpenClBench() {}

  public static void main(String[] args) throws Exception {
    String what = args.length > 0 ? args[0] : "all";
    String device = args.length > 1 ? args[1] : "";
    CpuBackend cpu = CpuBackend.shared();
    try (OpenClBackend cl = OpenClBackend.create(device)) {
      System.out.printf(
          Locale.ROOT,
          "# OpenCL device: %s%n# CPU backend: %s%n# each figure: the best of %d timings of %.1f s,"
              + " CPU and OpenCL alternating%n",
          cl.device().describe(),
          cpu.name(),
          ROUNDS,
          SECONDS);
      if (what.equals("gemm") || what.equals("all")) {
        System.out.println(
            "| GEMM (row-major, C = A·B) | CPU GFLOP/s | OpenCL GFLOP/s | OpenCL / CPU |");
        System.out.println("|---|---|---|---|");
        gemmRow("256×256×256", GemmOp.of(false, false, 256, 256, 256, 1f, 0f), cpu, cl);
        gemmRow("512×512×512", GemmOp.of(false, false, 512, 512, 512, 1f, 0f), cpu, cl);
        gemmRow("1024×1024×1024", GemmOp.of(false, false, 1024, 1024, 1024, 1f, 0f), cpu, cl);
        gemmRow("1024², Aᵀ·B", GemmOp.of(true, false, 1024, 1024, 1024, 1f, 0f), cpu, cl);
        gemmRow(
            "LeNet conv2 fwd, 16×100×150 ×64",
            GemmOp.of(false, false, 16, 100, 150, 1f, 0f).batched(64, 0, 150 * 100, 16 * 100),
            cpu,
            cl);
        gemmRow(
            "LeNet conv1 dW, 6×25×784 Σ64",
            GemmOp.of(false, true, 6, 25, 784, 1f, 1f).batched(64, 6 * 784, 25 * 784, 0),
            cpu,
            cl);
      }
      if (what.equals("lenet") || what.equals("all")) {
        System.out.println("| LeNet-5 inference | CPU images/s | OpenCL images/s | OpenCL / CPU |");
        System.out.println("|---|---|---|---|");
        for (int batch : new int[] {1, 32, 256}) {
          double[] r = images(cpu, cl, LeNet5.spec(10), batch);
          System.out.printf(
              Locale.ROOT, "| batch %d | %,.0f | %,.0f | %.2f |%n", batch, r[0], r[1], r[1] / r[0]);
        }
      }
      if (what.equals("resnet") || what.equals("all")) {
        System.out.println(
            "| ResNet-18 inference, 3×224×224 | CPU images/s | OpenCL images/s | OpenCL / CPU |");
        System.out.println("|---|---|---|---|");
        for (int batch : new int[] {1, 8}) {
          double[] r = images(cpu, cl, ResNet.resnet18(1000), batch);
          System.out.printf(
              Locale.ROOT, "| batch %d | %,.1f | %,.1f | %.2f |%n", batch, r[0], r[1], r[1] / r[0]);
        }
      }
      boolean nets = what.equals("nets") || what.equals("all");
      if (nets || what.equals("resnet18")) {
        netRows("ResNet-18, 3×224×224", ResNet.resnet18(1000), new int[] {1, 8, 32}, cpu, cl);
      }
      if (nets || what.equals("alexnet")) {
        netRows("AlexNet, 3×227×227", AlexNet.spec(1000), new int[] {1, 8, 32}, cpu, cl);
      }
      if (nets || what.equals("vgg11")) {
        netRows("VGG-11, 3×224×224", Vgg.vgg11(1000), new int[] {1, 8}, cpu, cl);
      }
      if (what.equals("layers")) {
        LayerTimes.print("AlexNet", AlexNet.spec(1000), new int[] {1, 32}, cpu, cl);
      }
      if (what.equals("winograd")) {
        WinogradLayers.print(cl);
      }
      if (what.equals("profile")) {
        LeNetProfile.print(cl);
      }
      if (what.equals("pipelined") || what.equals("all")) {
        PipelinedRows.print(cl);
      }
      if (what.equals("train") || what.equals("all")) {
        System.out.println(
            "| LeNet-5 training, 1 epoch, 2,000 Fashion-MNIST images, batch 32 | CPU | OpenCL |");
        System.out.println("|---|---|---|");
        LabeledImages train = FashionMnist.train(FashionMnist.DEFAULT_DIR).head(2000);
        LabeledImages test = FashionMnist.test(FashionMnist.DEFAULT_DIR).head(1000);
        // An untimed epoch first: the JIT compiles the CPU kernels, and PoCL compiles each OpenCL
        // kernel for each launch shape it meets (27.9 s instead of 0.9 s in the first run after a
        // change to gemm.cl; PoCL keeps them on disk for later processes).
        train(cpu, train, test);
        train(cl, train, test);
        TrainingResult c = train(cpu, train, test);
        TrainingResult o = train(cl, train, test);
        System.out.printf(
            Locale.ROOT,
            "| seconds (incl. evaluating 1,000 images) | %.2f | %.2f |%n| test accuracy | %.1f %% | %.1f %% |%n",
            c.elapsed().toMillis() / 1e3,
            o.elapsed().toMillis() / 1e3,
            100 * c.testAccuracy(),
            100 * o.testAccuracy());
      }
    }
  }

  /** One network's inference rows, a row per batch size. */
  private static void netRows(
      String label, NetworkSpec spec, int[] batches, Backend cpu, OpenClBackend cl) {
    System.out.println(
        "| " + label + " inference | CPU images/s | OpenCL images/s | OpenCL / CPU |");
    System.out.println("|---|---|---|---|");
    for (int batch : batches) {
      double[] r = images(cpu, cl, spec, batch);
      System.out.printf(
          Locale.ROOT, "| batch %d | %,.1f | %,.1f | %.2f |%n", batch, r[0], r[1], r[1] / r[0]);
    }
  }

  private static TrainingResult train(Backend b, LabeledImages train, LabeledImages test) {
    Network net = Network.fromSpec(LeNet5.spec(10), b);
    net.initialise(3);
    TrainingConfig config = new TrainingConfig(1, 32, 0.01f, 0.9f, 5e-4f, 11L);
    return new Trainer(net, LeNet5.INPUT, config).fit(train, test, TrainingListener.silent());
  }

  private static void gemmRow(String label, GemmOp op, Backend cpu, OpenClBackend cl) {
    GemmRun c = new GemmRun(cpu, op, null);
    GemmRun o = new GemmRun(cl, op, cl);
    double[] best = bestOfRounds(c::gflops, o::gflops);
    System.out.printf(
        Locale.ROOT, "| %s | %.1f | %.1f | %.2f |%n", label, best[0], best[1], best[1] / best[0]);
  }

  /**
   * The best of {@link #ROUNDS} alternating timings of {@code cpu} and {@code cl}: other programs
   * on a shared machine only ever slow a timing down, so the best is the closest to the machine's
   * own speed, and alternating exposes both sides to the same load.
   */
  static double[] bestOfRounds(
      java.util.function.DoubleSupplier cpu, java.util.function.DoubleSupplier cl) {
    double[] best = new double[2];
    for (int round = 0; round < ROUNDS; round++) {
      best[0] = Math.max(best[0], cpu.getAsDouble());
      best[1] = Math.max(best[1], cl.getAsDouble());
    }
    return best;
  }

  private static Tensor random(Backend b, int size, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] v = new float[size];
    for (int i = 0; i < size; i++) {
      v[i] = (float) r.nextDouble(-1, 1);
    }
    Tensor t = b.allocate(new Shape(1, size, 1, 1));
    b.upload(v, 0, t, 0, size);
    return t;
  }

  /** One GEMM's operands on one backend, timed by {@link #gflops}. */
  private static final class GemmRun {
    private final Backend b;
    private final GemmOp op;
    private final OpenClBackend sync;
    private final Tensor a;
    private final Tensor bb;
    private final Tensor c;
    private final Tensor ws;

    GemmRun(Backend b, GemmOp op, OpenClBackend sync) {
      this.b = b;
      this.op = op;
      this.sync = sync;
      int sizeA = (op.batch() - 1) * op.strideA() + op.m() * op.k();
      int sizeB = (op.batch() - 1) * op.strideB() + op.k() * op.n();
      int sizeC = (op.batch() - 1) * op.strideC() + op.m() * op.n();
      a = random(b, sizeA, 1);
      bb = random(b, sizeB, 2);
      c = random(b, sizeC, 3);
      ws = b.allocate(new Shape(1, Math.max(1, b.gemmWorkspaceSize(op)), 1, 1));
      for (int i = 0; i < 2; i++) {
        once();
      }
    }

    private void once() {
      b.gemm(op, a, 0, bb, 0, c, 0, ws);
      if (sync != null) {
        sync.finish();
      }
    }

    /** GFLOP/s of the product repeated for about {@link #SECONDS} (each call waits for it). */
    double gflops() {
      double flops = 2.0 * op.m() * op.n() * op.k() * op.batch();
      long start = System.nanoTime();
      int runs = 0;
      while (System.nanoTime() - start < SECONDS * 1e9) {
        once();
        runs++;
      }
      return flops * runs / ((System.nanoTime() - start) / 1e9) / 1e9;
    }
  }

  /** Images/s of inference (upload a batch, forward, download the logits) of the best round. */
  private static double[] images(Backend cpu, OpenClBackend cl, NetworkSpec spec, int batch) {
    Inference c = new Inference(cpu, spec, batch);
    Inference o = new Inference(cl, spec, batch);
    return bestOfRounds(c::imagesPerSecond, o::imagesPerSecond);
  }

  /** One network with an executor and an input batch on one backend. */
  private static final class Inference {
    private final Backend b;
    private final NetworkExecutor exec;
    private final Tensor x;
    private final float[] input;
    private final float[] logits;
    private final int batch;

    Inference(Backend b, NetworkSpec spec, int batch) {
      this.b = b;
      this.batch = batch;
      Network net = Network.fromSpec(spec, b);
      net.initialise(1);
      exec = net.newExecutor(batch, false);
      x = b.allocate(net.inputShape().withBatch(batch));
      input = new float[x.size()];
      SplittableRandom r = new SplittableRandom(4);
      for (int i = 0; i < input.length; i++) {
        input[i] = (float) r.nextDouble(-1, 1);
      }
      logits = new float[batch * net.outputShape().perImage()];
      for (int i = 0; i < 2; i++) {
        once();
      }
    }

    private void once() {
      b.upload(input, 0, x, 0, input.length);
      b.download(exec.forward(x, false), 0, logits, 0, logits.length);
    }

    double imagesPerSecond() {
      long start = System.nanoTime();
      long images = 0;
      // At least two batches: one ResNet-18 batch of 8 can take longer than a timing.
      while (System.nanoTime() - start < SECONDS * 1e9 || images < 2L * batch) {
        once();
        images += batch;
      }
      return images / ((System.nanoTime() - start) / 1e9);
    }
  }
}
