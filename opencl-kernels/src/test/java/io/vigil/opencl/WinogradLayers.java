package io.vigil.opencl;

import io.vigil.engine.backend.ActivationKind;
import io.vigil.engine.backend.ConvProduct;
import io.vigil.engine.backend.Epilogue;
import io.vigil.engine.backend.GemmOp;
import io.vigil.engine.backend.Window2d;
import io.vigil.engine.backend.WinogradUse;
import io.vigil.engine.tensor.Shape;
import io.vigil.engine.tensor.Tensor;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The 3×3 stride-1 layers of ResNet-18, VGG-11 and AlexNet on one OpenCL backend, each timed by
 * Winograd ({@link ClWinograd}, filters kept) against im2col, GEMM and the epilogue (the path the
 * backend takes otherwise), alternating, at several batches: the measurements behind {@link
 * ClWinograd#suits}'s rule. Not a test: {@code bench/opencl/run.sh winograd}.
 */
public final class WinogradLayers {

  private static final double SECONDS = 0.3;

  private static final int ROUNDS = 3;

  private WinogradLayers() {}

  /** name, channels, plane, filters, groups. */
  private record Layer(String name, int c, int hw, int filters, int groups) {}

  private static final Layer[] LAYERS = {
    new Layer("ResNet-18 56×56", 64, 56, 64, 1),
    new Layer("ResNet-18 28×28", 128, 28, 128, 1),
    new Layer("ResNet-18 14×14", 256, 14, 256, 1),
    new Layer("ResNet-18 7×7", 512, 7, 512, 1),
    new Layer("VGG-11 112×112 64→128", 64, 112, 128, 1),
    new Layer("VGG-11 28×28 256→512", 256, 28, 512, 1),
    new Layer("AlexNet conv3 13×13", 256, 13, 384, 1),
    new Layer("AlexNet conv4 13×13 g2", 384, 13, 384, 2),
  };

  public static void print(OpenClBackend cl) {
    System.out.println(
        "| 3×3 layer, batch | im2col + GEMM ms | Winograd ms | Winograd speed-up | ranges of ¼ |");
    System.out.println("|---|---|---|---|---|");
    ClWinograd winograd = cl.winograd(WinogradUse.ALWAYS, ClWinograd.RANGE_FLOATS);
    ClWinograd quarter = cl.winograd(WinogradUse.ALWAYS, ClWinograd.RANGE_FLOATS / 4);
    for (Layer layer : LAYERS) {
      for (int n : new int[] {1, 8, 32}) {
        if ((long) n * layer.c() * 9 * layer.hw() * layer.hw() > 100_000_000L) {
          continue;
        }
        row(cl, winograd, quarter, layer, n);
      }
    }
  }

  private static void row(
      OpenClBackend cl, ClWinograd winograd, ClWinograd quarter, Layer layer, int n) {
    int hw = layer.hw();
    Window2d win = new Window2d(layer.c(), hw, hw, 3, 3, 1, 1, 1, 1, hw, hw);
    int q = win.positions();
    int kg = layer.filters() / layer.groups();
    int pg = win.patchSize() / layer.groups();
    GemmOp op =
        GemmOp.of(false, false, kg, q, pg, 1f, 0f)
            .batched(n, 0, win.patchSize() * q, layer.filters() * q);
    ConvProduct p = new ConvProduct(win, op, layer.groups(), kg * pg, pg * q, kg * q);
    Tensor x = random(cl, new Shape(n, layer.c(), hw, hw));
    Tensor w = random(cl, new Shape(layer.filters(), pg, 1, 1));
    Tensor bias = random(cl, new Shape(1, layer.filters(), 1, 1));
    Tensor cols = cl.allocate(new Shape(n, win.patchSize(), hw, hw));
    Tensor y = cl.allocate(new Shape(n, layer.filters(), hw, hw));
    Epilogue e = new Epilogue(bias, ActivationKind.RELU, 0f);
    Runnable gemm =
        () -> {
          cl.convolve(x, p, cols, w, y);
          cl.applyEpilogue(y, e);
          cl.finish();
        };
    Runnable wino =
        () -> {
          synchronized (cl) {
            winograd.run(x, p, w, y, e, n);
          }
          cl.finish();
        };
    Runnable small =
        () -> {
          synchronized (cl) {
            quarter.run(x, p, w, y, e, n);
          }
          cl.finish();
        };
    double a = Double.MAX_VALUE;
    double b = Double.MAX_VALUE;
    double c = Double.MAX_VALUE;
    gemm.run();
    wino.run();
    small.run();
    for (int round = 0; round < ROUNDS; round++) {
      a = Math.min(a, millis(gemm));
      b = Math.min(b, millis(wino));
      c = Math.min(c, millis(small));
    }
    System.out.printf(
        Locale.ROOT,
        "| %s, %d | %.2f | %.2f | %.2f | %.2f |%n",
        layer.name(),
        n,
        a,
        b,
        a / b,
        a / c);
  }

  /** Milliseconds per call, over about {@link #SECONDS}. */
  private static double millis(Runnable call) {
    long start = System.nanoTime();
    int runs = 0;
    while (System.nanoTime() - start < SECONDS * 1e9 || runs < 2) {
      call.run();
      runs++;
    }
    return (System.nanoTime() - start) / 1e6 / runs;
  }

  private static Tensor random(OpenClBackend cl, Shape shape) {
    SplittableRandom r = new SplittableRandom(shape.size());
    float[] v = new float[shape.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) r.nextDouble(-1, 1);
    }
    Tensor t = cl.allocate(shape);
    cl.upload(v, 0, t, 0, v.length);
    return t;
  }
}
