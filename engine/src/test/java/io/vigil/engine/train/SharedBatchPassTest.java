package io.vigil.engine.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.engine.backend.cpu.CpuBackend;
import io.vigil.engine.layer.Parameter;
import io.vigil.engine.network.Network;
import io.vigil.engine.zoo.LeNet5;
import io.vigil.engine.zoo.SmallVgg;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Splitting a training batch between CPU workers computes the gradient of the whole batch's mean
 * loss, as one executor on the whole batch does, up to the order of the sums.
 */
class SharedBatchPassTest {

  private static final int BATCH = 11;

  @Test
  void sharesGiveTheWholeBatchGradientAndLoss() {
    CpuBackend backend = new CpuBackend(3);
    Network shared = Network.fromSpec(LeNet5.spec(10), backend);
    Network whole = Network.fromSpec(LeNet5.spec(10), backend);
    shared.initialise(5);
    whole.initialise(5);
    assertTrue(SharedBatchPass.suits(shared, BATCH));
    BatchPass sharedPass = new SharedBatchPass(shared, BATCH);
    BatchPass wholePass = new WholeBatchPass(whole, BATCH);
    // Two steps with different batch sizes (the last batch of an epoch is smaller, and may be
    // smaller than the number of workers), gradients accumulating as between optimizer steps.
    for (int n : new int[] {BATCH, 2}) {
      float[] inputs = new float[BATCH * LeNet5.INPUT.size()];
      int[] labels = new int[BATCH];
      Random random = new Random(n);
      for (int i = 0; i < inputs.length; i++) {
        inputs[i] = (float) random.nextGaussian();
      }
      for (int i = 0; i < labels.length; i++) {
        labels[i] = random.nextInt(10);
      }
      double sharedLoss = sharedPass.run(inputs, labels, n);
      double wholeLoss = wholePass.run(inputs, labels, n);
      assertEquals(wholeLoss, sharedLoss, 1e-5 * Math.abs(wholeLoss), "loss of batch " + n);
      assertSameGradients(whole.parameters(), shared.parameters(), "after batch " + n);
    }
  }

  @Test
  void batchNormNetworksAndSmallBatchesAreNotSplit() {
    CpuBackend backend = new CpuBackend(2);
    Network vgg = Network.fromSpec(SmallVgg.spec(10), backend);
    assertFalse(SharedBatchPass.suits(vgg, 64), "batch statistics need the whole batch");
    Network lenet = Network.fromSpec(LeNet5.spec(10), backend);
    assertFalse(SharedBatchPass.suits(lenet, 3), "3 images cannot give 2 workers 2 each");
    assertTrue(SharedBatchPass.suits(lenet, 64));
    assertFalse(SharedBatchPass.suits(Network.fromSpec(LeNet5.spec(10), new CpuBackend(1)), 64));
  }

  private static void assertSameGradients(
      List<Parameter> expected, List<Parameter> actual, String when) {
    for (int p = 0; p < expected.size(); p++) {
      float[] e = download(expected.get(p));
      float[] a = download(actual.get(p));
      double scale = 0;
      for (float v : e) {
        scale = Math.max(scale, Math.abs(v));
      }
      for (int i = 0; i < e.length; i++) {
        assertEquals(
            e[i], a[i], 1e-5 * scale + 1e-9, expected.get(p).name() + "[" + i + "] " + when);
      }
    }
  }

  private static float[] download(Parameter p) {
    float[] v = new float[p.grad().size()];
    p.grad().owner().download(p.grad(), 0, v, 0, v.length);
    return v;
  }
}
