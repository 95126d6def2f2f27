package io.vigil.opencl.bench;

import io.vigil.engine.backend.ActivationKind;
import io.vigil.engine.backend.Backend;
import io.vigil.engine.layer.ElementwiseActivation;
import io.vigil.engine.layer.FusesEpilogue;
import io.vigil.engine.layer.Layer;
import io.vigil.engine.network.InferenceFusion;
import io.vigil.engine.network.Network;
import io.vigil.engine.network.NetworkSpec;
import io.vigil.engine.tensor.Shape;
import io.vigil.engine.tensor.Tensor;
import io.vigil.opencl.OpenClBackend;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Where one inference of a chain network (every node reads the one before it) goes, layer by layer,
 * on the CPU backend and on an OpenCL device side by side: the nodes an inference executor runs (an
 * activation folded into the convolution or fully connected layer before it, flatten and dropout
 * left out as views, as {@link InferenceFusion} decides), each run on its own and, on OpenCL,
 * followed by a wait for the queue, so that a row is that layer's latency. The first and last rows
 * are the upload of the batch and the download of the logits. Each time is the best of a few rounds
 * of at least {@link OpenClBench#SECONDS}/5 each, CPU and OpenCL alternating. A bench path only:
 * the executor itself never waits between layers. Run by {@code bench/opencl/run.sh layers
 * [device]}.
 */
final class LayerTimes {

  private static final int ROUNDS = 3;

  private LayerTimes() {}

  /** Prints one table per batch size: layer, output shape, CPU ms, OpenCL ms, OpenCL ÷ CPU. */
  static void print(String label, NetworkSpec spec, int[] batches, Backend cpu, OpenClBackend cl) {
    for (int batch : batches) {
      List<Step> c = steps(spec, cpu, batch, () -> {});
      List<Step> o = steps(spec, cl, batch, cl::finish);
      double[][] best = new double[c.size()][2];
      for (double[] row : best) {
        row[0] = Double.MAX_VALUE;
        row[1] = Double.MAX_VALUE;
      }
      for (int round = 0; round < ROUNDS; round++) {
        for (int i = 0; i < c.size(); i++) {
          best[i][0] = Math.min(best[i][0], c.get(i).millis());
          best[i][1] = Math.min(best[i][1], o.get(i).millis());
        }
      }
      System.out.printf(
          Locale.ROOT,
          "| %s, batch %d, per layer | output | CPU ms | OpenCL ms | OpenCL ÷ CPU |%n|---|---|---|---|---|%n",
          label,
          batch,
          batch);
      double[] sum = new double[2];
      for (int i = 0; i < c.size(); i++) {
        sum[0] += best[i][0];
        sum[1] += best[i][1];
        System.out.printf(
            Locale.ROOT,
            "| %s | %s | %.2f | %.2f | %.2f |%n",
            c.get(i).name,
            c.get(i).shape,
            best[i][0],
            best[i][1],
            best[i][1] / best[i][0]);
      }
      System.out.printf(
          Locale.ROOT, "| sum | | %.2f | %.2f | %.2f |%n", sum[0], sum[1], sum[1] / sum[0]);
    }
  }

  /** The timed steps of one inference on one backend: upload, each running layer, download. */
  private static List<Step> steps(NetworkSpec spec, Backend b, int batch, Runnable sync) {
    Network net = Network.fromSpec(spec, b);
    net.initialise(1);
    List<Layer> layers = net.layers();
    for (int i = 0; i < layers.size(); i++) {
      int[] from = net.inputsOf(i);
      if (from.length != 1 || from[0] != i - 1) {
        throw new IllegalArgumentException(
            "layer times: node " + layers.get(i).name() + " does not read the node before it");
      }
    }
    int[] folded = InferenceFusion.foldedInto(spec);
    int[] views = InferenceFusion.views(spec);
    List<Step> steps = new ArrayList<>();
    Shape inShape = net.inputShape().withBatch(batch);
    Tensor x = random(b, inShape);
    float[] image = new float[x.size()];
    steps.add(new Step("upload", inShape, () -> b.upload(image, 0, x, 0, image.length), sync));
    Tensor in = x;
    Shape shape = inShape;
    for (int i = 0; i < layers.size(); i++) {
      Layer layer = layers.get(i);
      Shape outShape = layer.outputShape(shape).withBatch(batch);
      if (views[i] >= 0) {
        in = in.view(outShape);
        shape = outShape;
        continue;
      }
      if (folded[i] >= 0) {
        continue;
      }
      ElementwiseActivation act =
          i + 1 < layers.size() && folded[i + 1] == i
              ? (ElementwiseActivation) layers.get(i + 1)
              : null;
      Tensor a = in;
      Tensor out = b.allocate(outShape);
      Layer.Scratch scratch = layer.newScratch(batch);
      Runnable op =
          act == null
              ? () -> layer.forward(a, out, scratch, false)
              : () ->
                  ((FusesEpilogue) layer)
                      .forwardInference(a, out, scratch, null, act.kind(), act.alpha());
      String name = layer.name() + (act == null ? "" : " + " + kindName(act.kind()));
      steps.add(new Step(name, outShape, op, sync));
      in = out;
      shape = outShape;
    }
    Tensor logits = in;
    float[] host = new float[logits.size()];
    steps.add(new Step("download", shape, () -> b.download(logits, 0, host, 0, host.length), sync));
    return steps;
  }

  private static String kindName(ActivationKind kind) {
    return kind.name().toLowerCase(Locale.ROOT);
  }

  private static Tensor random(Backend b, Shape shape) {
    SplittableRandom r = new SplittableRandom(4);
    float[] v = new float[shape.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) r.nextDouble(-1, 1);
    }
    Tensor t = b.allocate(shape);
    b.upload(v, 0, t, 0, v.length);
    return t;
  }

  /** One timed operation: run, then wait for the device. */
  private static final class Step {
    final String name;
    final Shape shape;
    final Runnable op;
    final Runnable sync;

    Step(String name, Shape shape, Runnable op, Runnable sync) {
      this.name = name;
      this.shape = shape;
      this.op = op;
      this.sync = sync;
      // Warm-up: the JIT, PoCL's kernel builds for this launch shape.
      for (int i = 0; i < 2; i++) {
        op.run();
        sync.run();
      }
    }

    /** Milliseconds per run, over at least a fifth of a benchmark timing and three runs. */
    double millis() {
      long start = System.nanoTime();
      int runs = 0;
      while (System.nanoTime() - start < OpenClBench.SECONDS * 0.2e9 || runs < 3) {
        op.run();
        sync.run();
        runs++;
      }
      return (System.nanoTime() - start) / 1e6 / runs;
    }
  }
}
