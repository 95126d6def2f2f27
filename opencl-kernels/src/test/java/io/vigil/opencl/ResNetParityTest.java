package io.vigil.opencl;

import io.vigil.engine.backend.Backend;
import io.vigil.engine.network.Network;
import io.vigil.engine.tensor.Tensor;
import io.vigil.engine.zoo.ResNet;
import org.junit.jupiter.api.Test;

/**
 * A deep network at full size: ResNet-18 on two 3×224×224 images gives the same logits on OpenCL as
 * on the CPU from the same seed (large im2col matrices, 512-channel GEMMs, strided 1×1 shortcuts,
 * batch norm with running statistics, residual additions, global average pooling).
 */
class ResNetParityTest {

  private static final int BATCH = 2;

  private static float[] logits(Backend backend, float[] input) {
    Network net = Network.fromSpec(ResNet.resnet18(10), backend);
    net.initialise(21);
    Tensor x = backend.allocate(net.inputShape().withBatch(BATCH));
    backend.upload(input, 0, x, 0, input.length);
    Tensor out = net.newExecutor(BATCH, false).forward(x, false);
    float[] v = new float[out.size()];
    backend.download(out, 0, v, 0, v.length);
    return v;
  }

  @Test
  void resNet18LogitsMatchTheCpu() {
    float[] input = Twin.values(BATCH * 3 * 224 * 224, 5);
    Twin.assertClose("ResNet-18 logits", logits(Twin.CPU, input), logits(Twin.CL, input));
  }
}
