package io.vigil.opencl.bench;

import io.vigil.engine.backend.Backend;
import io.vigil.engine.backend.CpuBackend;
import io.vigil.engine.backend.GemmOp;
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
import io.vigil.engine.zoo.LeNet5;
import io.vigil.engine.zoo.ResNet;
import io.vigil.opencl.OpenClBackend;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The OpenCL rows of the benchmark, each next to the CPU backend's figure from the same run: GEMM
 * GFLOP/s ({@code 2·m·n·k} per product), LeNet-5 and ResNet-18 inference images/s (upload, forward,
 * download of the logits) and LeNet-5 training time for one short epoch. Not a test: run by {@code
 * bench/opencl/run.sh [gemm|lenet|train|all] [device]}.
 */
public final class OpenClBench {

  private static final double SECONDS = 1.5;

  private OpenClBench() {}

  public static void main(String[] args) throws Exception {
    String what = args.length > 0 ? args[0] : "all";
    String device = args.length > 1 ? args[1] : "";
    CpuBackend cpu = CpuBackend.shared();
    try (OpenClBackend cl = OpenClBackend.create(device)) {
      System.out.printf(
          "# OpenCL device: %s%n# CPU backend: %s%n", cl.device().describe(), cpu.name());
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
          double c = images(cpu, LeNet5.spec(10), batch);
          double o = images(cl, LeNet5.spec(10), batch);
          System.out.printf(
              Locale.ROOT, "| batch %d | %,.0f | %,.0f | %.2f |%n", batch, c, o, o / c);
        }
      }
      if (what.equals("resnet") || what.equals("all")) {
        System.out.println(
            "| ResNet-18 inference, 3×224×224 | CPU images/s | OpenCL images/s | OpenCL / CPU |");
        System.out.println("|---|---|---|---|");
        for (int batch : new int[] {1, 8}) {
          double c = images(cpu, ResNet.resnet18(1000), batch);
          double o = images(cl, ResNet.resnet18(1000), batch);
          System.out.printf(
              Locale.ROOT, "| batch %d | %,.1f | %,.1f | %.2f |%n", batch, c, o, o / c);
        }
      }
      if (what.equals("train") || what.equals("all")) {
        System.out.println(
            "| LeNet-5 training, 1 epoch, 2,000 Fashion-MNIST images, batch 32 | CPU | OpenCL |");
        System.out.println("|---|---|---|");
        LabeledImages train = FashionMnist.train(FashionMnist.DEFAULT_DIR).head(2000);
        LabeledImages test = FashionMnist.test(FashionMnist.DEFAULT_DIR).head(1000);
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

  private static TrainingResult train(Backend b, LabeledImages train, LabeledImages test) {
    Network net = Network.fromSpec(LeNet5.spec(10), b);
    net.initialise(3);
    TrainingConfig config = new TrainingConfig(1, 32, 0.01f, 0.9f, 5e-4f, 11L);
    return new Trainer(net, LeNet5.INPUT, config).fit(train, test, TrainingListener.silent());
  }

  private static void gemmRow(String label, GemmOp op, Backend cpu, OpenClBackend cl) {
    double c = gemm(cpu, op, null);
    double o = gemm(cl, op, cl);
    System.out.printf(Locale.ROOT, "| %s | %.1f | %.1f | %.2f |%n", label, c, o, o / c);
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

  /** GFLOP/s of {@code op} repeated for about {@link #SECONDS} after a warm-up. */
  private static double gemm(Backend b, GemmOp op, OpenClBackend sync) {
    int sizeA = (op.batch() - 1) * op.strideA() + op.m() * op.k();
    int sizeB = (op.batch() - 1) * op.strideB() + op.k() * op.n();
    int sizeC = (op.batch() - 1) * op.strideC() + op.m() * op.n();
    Tensor a = random(b, sizeA, 1);
    Tensor bb = random(b, sizeB, 2);
    Tensor c = random(b, sizeC, 3);
    Tensor ws = b.allocate(new Shape(1, Math.max(1, b.gemmWorkspaceSize(op)), 1, 1));
    double flops = 2.0 * op.m() * op.n() * op.k() * op.batch();
    for (int i = 0; i < 2; i++) {
      b.gemm(op, a, 0, bb, 0, c, 0, ws);
    }
    if (sync != null) {
      sync.finish();
    }
    long start = System.nanoTime();
    int runs = 0;
    while (System.nanoTime() - start < SECONDS * 1e9) {
      b.gemm(op, a, 0, bb, 0, c, 0, ws);
      if (sync != null) {
        sync.finish();
      }
      runs++;
    }
    return flops * runs / ((System.nanoTime() - start) / 1e9) / 1e9;
  }

  /** Images/s of inference: upload a batch, forward, download the logits. */
  private static double images(Backend b, NetworkSpec spec, int batch) {
    Network net = Network.fromSpec(spec, b);
    net.initialise(1);
    NetworkExecutor exec = net.newExecutor(batch, false);
    Tensor x = b.allocate(net.inputShape().withBatch(batch));
    float[] input = new float[x.size()];
    SplittableRandom r = new SplittableRandom(4);
    for (int i = 0; i < input.length; i++) {
      input[i] = (float) r.nextDouble(-1, 1);
    }
    float[] logits = new float[batch * net.outputShape().perImage()];
    for (int i = 0; i < 2; i++) {
      b.upload(input, 0, x, 0, input.length);
      b.download(exec.forward(x, false), 0, logits, 0, logits.length);
    }
    long start = System.nanoTime();
    long images = 0;
    while (System.nanoTime() - start < SECONDS * 1e9) {
      b.upload(input, 0, x, 0, input.length);
      b.download(exec.forward(x, false), 0, logits, 0, logits.length);
      images += batch;
    }
    return images / ((System.nanoTime() - start) / 1e9);
  }
}
