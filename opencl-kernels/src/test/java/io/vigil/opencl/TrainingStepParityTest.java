package io.vigil.opencl;

import io.vigil.engine.backend.Backend;
import io.vigil.engine.layer.AddSpec;
import io.vigil.engine.layer.AvgPool2dSpec;
import io.vigil.engine.layer.BatchNormSpec;
import io.vigil.engine.layer.ConcatSpec;
import io.vigil.engine.layer.Conv2dSpec;
import io.vigil.engine.layer.DropoutSpec;
import io.vigil.engine.layer.GlobalAvgPoolSpec;
import io.vigil.engine.layer.L2Pool2dSpec;
import io.vigil.engine.layer.LeakyReluSpec;
import io.vigil.engine.layer.LinearSpec;
import io.vigil.engine.layer.LrnSpec;
import io.vigil.engine.layer.MaxPool2dSpec;
import io.vigil.engine.layer.Parameter;
import io.vigil.engine.layer.ReluSpec;
import io.vigil.engine.layer.SigmoidSpec;
import io.vigil.engine.layer.StateTensor;
import io.vigil.engine.layer.TanhSpec;
import io.vigil.engine.loss.SoftmaxCrossEntropy;
import io.vigil.engine.network.Network;
import io.vigil.engine.network.NetworkExecutor;
import io.vigil.engine.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * One training step (forward in training mode, softmax cross-entropy, backward) of a small DAG that
 * uses every kind of layer the engine has on the Backend ops: the logits, every parameter gradient
 * and the batch-norm running statistics equal the CPU's. Dropout masks come from the same seeded
 * host generator on both, so they match too.
 */
class TrainingStepParityTest {

  private static final int BATCH = 5;

  private static Network build(Backend backend) {
    return Network.builder(3, 13, 13)
        // No bias before batch norm: its gradient is 0 up to rounding, nothing to compare.
        .add("c1", new Conv2dSpec(8, 3, 3, 1, 1, 1, 1, 1, 1, 1, false))
        .add("bn1", BatchNormSpec.defaults())
        .add("r1", new ReluSpec())
        .add("p1", new MaxPool2dSpec(3, 3, 2, 2, 1, 1))
        .add("ca", new Conv2dSpec(4, 1, 1, 1, 1, 0, 0), "p1")
        .add("cb", new Conv2dSpec(4, 3, 3, 1, 1, 2, 2, 2, 2, 2, true), "p1")
        .add("cat", new ConcatSpec(), "ca", "cb")
        .add("sum", new AddSpec(), "cat", "p1")
        .add("lrn", new LrnSpec(3, 0.5f, 0.75f, 1f))
        .add("leaky", new LeakyReluSpec(0.1f))
        .add("avg", AvgPool2dSpec.of(3, 2))
        .add("l2", L2Pool2dSpec.of(2, 1))
        .add("tanh", new TanhSpec())
        .add("gap", new GlobalAvgPoolSpec())
        .add("drop", new DropoutSpec(0.3f))
        .add("fc1", new LinearSpec(6))
        .add("sig", new SigmoidSpec())
        .add("fc2", new LinearSpec(4))
        .optBackend(backend)
        .optSeed(5)
        .build();
  }

  private record Step(float[] logits, List<float[]> grads, List<float[]> state) {}

  private static float[] values(Backend b, Tensor t) {
    float[] v = new float[t.size()];
    b.download(t, 0, v, 0, v.length);
    return v;
  }

  private static Step step(Backend b, float[] input, int[] labels) {
    Network net = build(b);
    NetworkExecutor exec = net.newExecutor(BATCH, true);
    Tensor x = b.allocate(net.inputShape().withBatch(BATCH));
    b.upload(input, 0, x, 0, input.length);
    Tensor logits = exec.forward(x, true);
    float[] out = values(b, logits);
    SoftmaxCrossEntropy loss = new SoftmaxCrossEntropy(b, 4, BATCH);
    loss.forward(logits, labels);
    Tensor dLogits = b.allocate(logits.shape());
    loss.backward(dLogits);
    exec.backward(dLogits);
    List<float[]> grads = net.parameters().stream().map(p -> values(b, p.grad())).toList();
    List<float[]> state = net.state().stream().map(s -> values(b, s.value())).toList();
    return new Step(out, grads, state);
  }

  @Test
  void logitsGradientsAndRunningStatisticsMatchTheCpu() {
    float[] input = Twin.values(BATCH * 3 * 13 * 13, 77);
    int[] labels = {0, 3, 1, 2, 3};
    Step cpu = step(Twin.CPU, input, labels);
    Step cl = step(Twin.CL, input, labels);
    Twin.assertClose("logits", cpu.logits(), cl.logits());
    List<Parameter> params = build(Twin.CPU).parameters();
    for (int i = 0; i < params.size(); i++) {
      Twin.assertClose(
          "gradient of " + params.get(i).name(), cpu.grads().get(i), cl.grads().get(i));
    }
    List<StateTensor> state = build(Twin.CPU).state();
    for (int i = 0; i < state.size(); i++) {
      Twin.assertClose(state.get(i).name(), cpu.state().get(i), cl.state().get(i));
    }
  }
}
