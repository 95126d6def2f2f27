package io.vigil.opencl.bench;

import io.vigil.engine.model.InputContract;
import io.vigil.engine.model.Model;
import io.vigil.engine.model.Predictor;
import io.vigil.engine.model.Provenance;
import io.vigil.engine.network.Network;
import io.vigil.engine.network.NetworkSpec;
import io.vigil.engine.zoo.LeNet5;
import io.vigil.engine.zoo.ResNet;
import io.vigil.opencl.OpenClBackend;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The rows of {@code run.sh pipelined}: images/s of {@link Predictor#predict} against {@link
 * Predictor#submit}/{@link Predictor#collect} with two batches in flight, on OpenCL, for LeNet-5
 * and ResNet-18. Both loops do the same host work per batch, the caller's copy of the next batch
 * into its input array; pipelined, that copy and the batch's upload run while the batch before
 * computes. On a device that is the host's CPU (PoCL) the overlap has no cores of its own to run
 * on, so no gain is expected there; the rows are for a GPU.
 */
final class PipelinedRows {

  private PipelinedRows() {}

  static void print(OpenClBackend cl) {
    System.out.println(
        "| OpenCL inference, "
            + cl.device().name()
            + " | predict images/s | submit/collect, 2 in flight, images/s | pipelined / predict |");
    System.out.println("|---|---|---|---|");
    for (int batch : new int[] {32, 256}) {
      row("LeNet-5, batch " + batch, cl, LeNet5.spec(10), LeNet5.INPUT, 10, batch);
    }
    for (int batch : new int[] {1, 8}) {
      row("ResNet-18, batch " + batch, cl, ResNet.resnet18(1000), ResNet.INPUT, 1000, batch);
    }
  }

  private static void row(
      String label,
      OpenClBackend cl,
      NetworkSpec spec,
      InputContract input,
      int classes,
      int batch) {
    Network network = Network.fromSpec(spec, cl);
    network.initialise(1);
    List<String> names = new ArrayList<>(classes);
    for (int c = 0; c < classes; c++) {
      names.add("class" + c);
    }
    Model model =
        Model.create("bench", network, input, names, new Provenance("random", 0, 0, null, "", ""));
    try (Predictor predictor = model.newPredictor(batch)) {
      Loops loops = new Loops(predictor, batch, input.size(), classes);
      double[] best = OpenClBench.bestOfRounds(loops::predicted, loops::pipelined);
      // Whole images/s where there are thousands, one decimal where there are tens.
      String rate = best[0] >= 1000 ? "%,.0f" : "%,.1f";
      System.out.printf(
          Locale.ROOT,
          "| %s | " + rate + " | " + rate + " | %.2f |%n",
          label,
          best[0],
          best[1],
          best[1] / best[0]);
    }
  }

  /** The two timed loops over one predictor, with the caller's source batch and arrays. */
  private static final class Loops {
    private final Predictor predictor;
    private final int batch;
    private final float[] source;
    private final float[] input;
    private final float[] probabilities;

    Loops(Predictor predictor, int batch, int imageSize, int classes) {
      this.predictor = predictor;
      this.batch = batch;
      this.source = new float[batch * imageSize];
      SplittableRandom random = new SplittableRandom(4);
      for (int i = 0; i < source.length; i++) {
        source[i] = (float) random.nextDouble(-1, 1);
      }
      this.input = new float[source.length];
      this.probabilities = new float[batch * classes];
      // Untimed: every kernel built, both slots of the pipeline made.
      predicted();
      pipelined();
    }

    /** The caller's work on each batch: copying it into the input array. */
    private void fill() {
      System.arraycopy(source, 0, input, 0, source.length);
    }

    /** Images/s of fill-then-predict for {@link OpenClBench#SECONDS}, at least two batches. */
    double predicted() {
      long start = System.nanoTime();
      long images = 0;
      while (System.nanoTime() - start < OpenClBench.SECONDS * 1e9 || images < 2L * batch) {
        fill();
        predictor.predict(input, batch, probabilities);
        images += batch;
      }
      return images / ((System.nanoTime() - start) / 1e9);
    }

    /**
     * Images/s with two batches in flight: each collect is followed by filling and submitting the
     * next batch, which then runs beside the one still in flight.
     */
    double pipelined() {
      long start = System.nanoTime();
      long images = 0;
      fill();
      predictor.submit(input, batch);
      fill();
      predictor.submit(input, batch);
      while (System.nanoTime() - start < OpenClBench.SECONDS * 1e9 || images < 2L * batch) {
        predictor.collect(probabilities);
        images += batch;
        fill();
        predictor.submit(input, batch);
      }
      for (int i = 0; i < Predictor.MAX_IN_FLIGHT; i++) {
        predictor.collect(probabilities);
        images += batch;
      }
      return images / ((System.nanoTime() - start) / 1e9);
    }
  }
}
