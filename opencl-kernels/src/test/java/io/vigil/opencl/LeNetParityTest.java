package io.vigil.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.engine.backend.Backend;
import io.vigil.engine.data.FashionMnist;
import io.vigil.engine.data.ImageTensors;
import io.vigil.engine.data.LabeledImages;
import io.vigil.engine.network.Network;
import io.vigil.engine.tensor.Tensor;
import io.vigil.engine.train.Trainer;
import io.vigil.engine.train.TrainingConfig;
import io.vigil.engine.train.TrainingListener;
import io.vigil.engine.train.TrainingResult;
import io.vigil.engine.zoo.LeNet5;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/**
 * A whole LeNet-5 on OpenCL: the same logits as on the CPU from the same seed, and one epoch of
 * training on 2,000 Fashion-MNIST images reaches the CPU's accuracy within one point.
 */
class LeNetParityTest {

  private static final int BATCH = 37;

  @Test
  void logitsMatchTheCpuFromTheSameSeed() throws IOException {
    LabeledImages images = FashionMnist.test(FashionMnist.DEFAULT_DIR).head(BATCH);
    float[] input = new float[BATCH * LeNet5.INPUT.size()];
    for (int i = 0; i < BATCH; i++) {
      ImageTensors.normalise(images, i, LeNet5.INPUT, input, i * LeNet5.INPUT.size());
    }
    float[] cpu = logits(Twin.CPU, input);
    float[] cl = logits(Twin.CL, input);
    Twin.assertClose("LeNet-5 logits", cpu, cl);
  }

  private static float[] logits(Backend backend, float[] input) {
    Network net = Network.fromSpec(LeNet5.spec(10), backend);
    net.initialise(7);
    Tensor x = backend.allocate(net.inputShape().withBatch(BATCH));
    backend.upload(input, 0, x, 0, input.length);
    Tensor out = net.newExecutor(BATCH, false).forward(x, false);
    float[] v = new float[out.size()];
    backend.download(out, 0, v, 0, v.length);
    return v;
  }

  @Test
  void oneEpochOnTwoThousandImagesReachesTheCpuAccuracy() throws IOException {
    LabeledImages train = FashionMnist.train(FashionMnist.DEFAULT_DIR).head(2000);
    LabeledImages test = FashionMnist.test(FashionMnist.DEFAULT_DIR).head(1000);
    TrainingConfig config = new TrainingConfig(1, 32, 0.01f, 0.9f, 5e-4f, 11L);
    double cpu = train(Twin.CPU, train, test, config).testAccuracy();
    double cl = train(Twin.CL, train, test, config).testAccuracy();
    assertTrue(cpu > 0.5, "the CPU run learned something: " + cpu);
    assertEquals(cpu, cl, 0.01, "accuracy on OpenCL vs CPU");
  }

  private static TrainingResult train(
      Backend backend, LabeledImages train, LabeledImages test, TrainingConfig config) {
    Network net = Network.fromSpec(LeNet5.spec(10), backend);
    net.initialise(3);
    return new Trainer(net, LeNet5.INPUT, config).fit(train, test, TrainingListener.silent());
  }
}
