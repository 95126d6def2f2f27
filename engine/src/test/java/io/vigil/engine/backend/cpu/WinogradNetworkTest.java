package io.vigil.engine.backend.cpu;

import static io.vigil.engine.backend.cpu.WinogradConvolveTest.assertAgrees;
import static io.vigil.engine.backend.cpu.WinogradConvolveTest.withSetting;

import io.vigil.engine.layer.Parameter;
import io.vigil.engine.network.Network;
import io.vigil.engine.network.NetworkExecutor;
import io.vigil.engine.tensor.Tensor;
import io.vigil.engine.zoo.ModelZoo;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Whole networks give the same logits (and, training, the same gradients) within 1e-4 with every
 * 3×3 stride-1 convolution computed by Winograd and with none.
 */
class WinogradNetworkTest {

  @Test
  void resNet18LogitsAgree() {
    // Batch 1 splits channels and filters between the threads; 2 splits images.
    int[] batches = {1, 2};
    float[][] on = logits("resnet18", "always", batches);
    float[][] off = logits("resnet18", "false", batches);
    for (int i = 0; i < batches.length; i++) {
      assertAgrees(off[i], on[i], "resnet18 logits, batch " + batches[i]);
    }
  }

  @Test
  void vggSmallLogitsAgree() {
    int[] batches = {1, 3, 5};
    float[][] off = logits("vgg-small", "false", batches);
    float[][] on = logits("vgg-small", "always", batches);
    for (int i = 0; i < batches.length; i++) {
      assertAgrees(off[i], on[i], "vgg-small logits, batch " + batches[i]);
    }
  }

  @Test
  void vggSmallTrainingGradientsAgree() {
    List<float[]> on = gradients("always", 6);
    List<float[]> off = gradients("false", 6);
    for (int i = 0; i < on.size(); i++) {
      // fc1's bias feeds a batch norm, which cancels it: its gradient is rounding noise (1e-9).
      if (largest(off.get(i)) > 1e-6) {
        assertAgrees(off.get(i), on.get(i), "vgg-small gradient of parameter " + i);
      }
    }
  }

  /**
   * The logits of {@code model} at each of {@code batches}, from one network (built and initialised
   * once: ResNet-18's 11 M weights are the costly part) with one executor per batch size.
   */
  private static float[][] logits(String model, String setting, int... batches) {
    CpuBackend backend = withSetting(setting, () -> new CpuBackend(2));
    Network network = ModelZoo.get(model).create(7, 10, backend);
    float[][] logits = new float[batches.length][];
    for (int i = 0; i < batches.length; i++) {
      NetworkExecutor executor = network.newExecutor(batches[i], false);
      Tensor input = input(backend, network, batches[i]);
      logits[i] = host(backend, executor.forward(input, false));
    }
    return logits;
  }

  private static List<float[]> gradients(String setting, int batch) {
    CpuBackend backend = withSetting(setting, () -> new CpuBackend(2));
    Network network = ModelZoo.get("vgg-small").create(7, 10, backend);
    network.zeroGradients();
    Tensor logits = network.forward(input(backend, network, batch), true);
    Tensor dLogits = backend.allocate(logits.shape());
    float[] d = new float[logits.size()];
    Random random = new Random(3);
    for (int i = 0; i < d.length; i++) {
      d[i] = (float) random.nextGaussian();
    }
    backend.upload(d, 0, dLogits, 0, d.length);
    network.backward(dLogits);
    return network.parameters().stream().map(Parameter::grad).map(t -> host(backend, t)).toList();
  }

  private static double largest(float[] v) {
    double max = 0;
    for (float x : v) {
      max = Math.max(max, Math.abs(x));
    }
    return max;
  }

  private static Tensor input(CpuBackend backend, Network network, int batch) {
    Tensor t = backend.allocate(network.inputShape().withBatch(batch));
    float[] v = new float[t.size()];
    Random random = new Random(batch);
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) random.nextGaussian();
    }
    backend.upload(v, 0, t, 0, v.length);
    return t;
  }

  private static float[] host(CpuBackend backend, Tensor t) {
    float[] v = new float[t.size()];
    backend.download(t, 0, v, 0, v.length);
    return v;
  }
}
