package io.vigil.engine.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vigil.engine.backend.Backend;
import io.vigil.engine.backend.cpu.CpuBackend;
import io.vigil.engine.data.FashionMnist;
import io.vigil.engine.network.Network;
import io.vigil.engine.network.NetworkExecutor;
import io.vigil.engine.tensor.Shape;
import io.vigil.engine.tensor.Tensor;
import io.vigil.engine.zoo.LeNet5;
import io.vigil.engine.zoo.SmallVgg;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A predictor that splits a batch into one share of images per CPU worker gives what one executor
 * gives on the whole batch, whatever the batch size: shares of unequal size, batches too small to
 * split, and a batch size that changes between calls.
 */
class PredictorSharesTest {

  private static final int MAX_BATCH = 13;

  @Test
  void lenet5SharesMatchOneExecutorOnTheWholeBatch() {
    assertSharesMatchOneExecutor(Network.fromSpec(LeNet5.spec(10), new CpuBackend(3)));
  }

  @Test
  void batchNormNetworkSharesMatchOneExecutorOnTheWholeBatch() {
    // vgg-small: batch norm in inference mode and dropout, which must both be per image.
    assertSharesMatchOneExecutor(Network.fromSpec(SmallVgg.spec(10), new CpuBackend(2)));
  }

  @Test
  void predictorTooSmallToSplitRunsEveryBatchOnOneExecutor() {
    // 3 images cannot give 2 workers 2 each: no shares, whatever the batch.
    assertSharesMatchOneExecutor(Network.fromSpec(LeNet5.spec(10), new CpuBackend(2)), 3);
  }

  private static void assertSharesMatchOneExecutor(Network network) {
    assertSharesMatchOneExecutor(network, MAX_BATCH);
  }

  private static void assertSharesMatchOneExecutor(Network network, int maxBatch) {
    network.initialise(11);
    Model model =
        Model.create(
            "shares",
            network,
            LeNet5.INPUT,
            FashionMnist.CLASS_NAMES,
            new Provenance("random", 0, 0, null, "", "test"));
    Backend backend = network.backend();
    NetworkExecutor whole = network.newExecutor(maxBatch, false);
    Tensor wholeIn = backend.allocate(network.inputShape().withBatch(maxBatch));
    Tensor wholeOut = backend.allocate(new Shape(maxBatch, 10, 1, 1));
    int size = LeNet5.INPUT.size();
    try (Predictor predictor = model.newPredictor(maxBatch)) {
      for (int batch : new int[] {maxBatch, 1, 5, 7, 2, maxBatch}) {
        if (batch > maxBatch) {
          continue;
        }
        float[] in = new float[batch * size];
        Random random = new Random(batch);
        for (int i = 0; i < in.length; i++) {
          in[i] = (float) random.nextGaussian();
        }
        float[] got = new float[batch * 10];
        predictor.predict(in, batch, got);

        Tensor inView = wholeIn.firstImages(batch);
        Tensor outView = wholeOut.firstImages(batch);
        backend.upload(in, 0, inView, 0, in.length);
        backend.softmax(whole.forward(inView, false), outView);
        float[] expected = new float[batch * 10];
        backend.download(outView, 0, expected, 0, expected.length);

        assertArrayEquals(expected, got, 1e-6f, "batch " + batch);
        for (int n = 0; n < batch; n++) {
          assertEquals(argMax(expected, n * 10), argMax(got, n * 10), "batch " + batch);
        }
      }
    }
  }

  private static int argMax(float[] row, int from) {
    int best = from;
    for (int i = from + 1; i < from + 10; i++) {
      if (row[i] > row[best]) {
        best = i;
      }
    }
    return best - from;
  }
}
