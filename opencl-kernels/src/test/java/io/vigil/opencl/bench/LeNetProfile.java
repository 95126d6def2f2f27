package io.vigil.opencl.bench;

import io.vigil.engine.backend.ActivationKind;
import io.vigil.engine.layer.FusesEpilogue;
import io.vigil.engine.layer.Layer;
import io.vigil.engine.layer.ReluSpec;
import io.vigil.engine.network.Network;
import io.vigil.engine.network.NetworkExecutor;
import io.vigil.engine.tensor.Shape;
import io.vigil.engine.tensor.Tensor;
import io.vigil.engine.zoo.LeNet5;
import io.vigil.opencl.OpenClBackend;
import java.util.List;
import java.util.Locale;

/**
 * Where the time of one LeNet-5 inference goes on an OpenCL device: the fixed costs (one tiny
 * launch, a wait on an empty queue, a blocking upload and download of one batch) and each layer's
 * inference forward on its own, as the executor runs it (a convolution or linear layer with the
 * following ReLU in its epilogue, the ReLU skipped). Each layer is timed two ways: enqueued many
 * times and waited for once (its share of a pipelined forward: launch and compute), and enqueued
 * once and waited for (its latency). Not a test: {@code bench/opencl/run.sh profile [device]}.
 */
public final class LeNetProfile {

  private static final int REPEATS = 400;

  private LeNetProfile() {}

  /** Prints the fixed costs, then the layers at batch 1, 32 and 256. */
  static void print(OpenClBackend cl) {
    fixedCosts(cl);
    floors(cl);
    for (int batch : new int[] {1, 32, 256}) {
      layers(cl, batch);
    }
  }

  private static void fixedCosts(OpenClBackend cl) {
    Tensor one = cl.allocate(new Shape(1, 1, 1, 1));
    float[] host = new float[1];
    double launch = perCall(() -> cl.fill(one, 1f), cl, true);
    double finish = perCall(cl::finish, cl, false);
    double upload = perCall(() -> cl.upload(host, 0, one, 0, 1), cl, false);
    double download = perCall(() -> cl.download(one, 0, host, 0, 1), cl, false);
    System.out.printf(
        Locale.ROOT,
        "fixed costs, µs: one launch (pipelined) %.1f, finish on an empty queue %.1f,"
            + " blocking upload of 1 float %.1f, blocking download of 1 float %.1f%n",
        launch,
        finish,
        upload,
        download);
  }

  /**
   * The floor of a batch-1 inference with {@code launches} kernel launches: an upload of one image,
   * that many launches of a kernel that does nothing worth timing (a fill of one value), and the
   * blocking download of ten logits.
   */
  private static void floors(OpenClBackend cl) {
    Tensor image = cl.allocate(new Shape(1, 1, 28, 28));
    Tensor one = cl.allocate(new Shape(1, 1, 1, 1));
    Tensor logits = cl.allocate(new Shape(1, 10, 1, 1));
    float[] in = new float[784];
    float[] out = new float[10];
    StringBuilder line = new StringBuilder("floor of a batch-1 inference, µs (images/s):");
    for (int launches : new int[] {0, 8, 11, 19}) {
      double us =
          perCall(
              () -> {
                cl.upload(in, 0, image, 0, in.length);
                for (int i = 0; i < launches; i++) {
                  cl.fill(one, 0f);
                }
                cl.download(logits, 0, out, 0, out.length);
              },
              cl,
              false);
      line.append(String.format(Locale.ROOT, " %d launches %.1f (%.0f);", launches, us, 1e6 / us));
    }
    System.out.println(line);
  }

  private static void layers(OpenClBackend cl, int batch) {
    Network net = Network.fromSpec(LeNet5.spec(10), cl);
    net.initialise(1);
    NetworkExecutor exec = net.newExecutor(batch, false);
    Tensor x = cl.allocate(net.inputShape().withBatch(batch));
    float[] input = new float[x.size()];
    float[] logits = new float[batch * net.outputShape().perImage()];
    Runnable whole =
        () -> {
          cl.upload(input, 0, x, 0, input.length);
          cl.download(exec.forward(x, false), 0, logits, 0, logits.length);
        };
    double total = perCall(whole, cl, false);
    double forward = perCall(() -> exec.forward(x, false), cl, true);
    double enqueue = enqueueOnly(() -> exec.forward(x, false), cl);
    double up = perCall(() -> cl.upload(input, 0, x, 0, input.length), cl, false);
    Tensor out = exec.forward(x, false);
    double down = perCall(() -> cl.download(out, 0, logits, 0, logits.length), cl, false);
    System.out.printf(
        Locale.ROOT,
        "%nbatch %d: whole inference %.1f µs (%.0f images/s); forward alone (pipelined) %.1f µs,"
            + " of which the host's enqueueing %.1f µs; upload %.1f µs; download %.1f µs%n",
        batch,
        total,
        batch * 1e6 / total,
        forward,
        enqueue,
        up,
        down);
    System.out.println("| layer | output | pipelined µs | latency µs | host enqueueing µs |");
    System.out.println("|---|---|---|---|---|");
    List<Layer> layers = net.layers();
    Shape in = net.inputShape().withBatch(batch);
    for (int i = 0; i < layers.size(); i++) {
      Layer layer = layers.get(i);
      Shape outShape = layer.outputShape(in).withBatch(batch);
      boolean fuse =
          layer instanceof FusesEpilogue
              && i + 1 < layers.size()
              && layers.get(i + 1).spec() instanceof ReluSpec;
      Tensor a = cl.allocate(in);
      Tensor b = cl.allocate(outShape);
      Layer.Scratch scratch = layer.newScratch(batch);
      Runnable op =
          fuse
              ? () ->
                  ((FusesEpilogue) layer)
                      .forwardInference(a, b, scratch, null, ActivationKind.RELU, 0f)
              : () -> layer.forward(a, b, scratch, false);
      System.out.printf(
          Locale.ROOT,
          "| %s%s | %s | %.1f | %.1f | %.1f |%n",
          layer.name(),
          fuse ? " + relu" : "",
          outShape,
          perCall(op, cl, true),
          perCall(op, cl, false),
          enqueueOnly(op, cl));
      if (fuse) {
        i++;
      }
      in = outShape;
    }
  }

  /** Microseconds per call of {@code op} on the host alone: the calls, without the wait after. */
  private static double enqueueOnly(Runnable op, OpenClBackend cl) {
    double best = Double.MAX_VALUE;
    for (int round = 0; round < 4; round++) {
      cl.finish();
      long start = System.nanoTime();
      for (int r = 0; r < REPEATS; r++) {
        op.run();
      }
      best = Math.min(best, (System.nanoTime() - start) / 1e3 / REPEATS);
    }
    cl.finish();
    return best;
  }

  /**
   * Microseconds per call of {@code op}: pipelined, {@link #REPEATS} calls and one wait; otherwise
   * each call followed by a wait. The best of three.
   */
  private static double perCall(Runnable op, OpenClBackend cl, boolean pipelined) {
    double best = Double.MAX_VALUE;
    for (int round = 0; round < 4; round++) {
      long start = System.nanoTime();
      for (int r = 0; r < REPEATS; r++) {
        op.run();
        if (!pipelined) {
          cl.finish();
        }
      }
      cl.finish();
      double us = (System.nanoTime() - start) / 1e3 / REPEATS;
      if (round > 0) {
        best = Math.min(best, us);
      }
    }
    return best;
  }
}
