package io.vigil.engine.train;

import io.vigil.engine.backend.Backend;
import io.vigil.engine.loss.SoftmaxCrossEntropy;
import io.vigil.engine.network.Network;
import io.vigil.engine.network.NetworkExecutor;
import io.vigil.engine.tensor.Tensor;
import io.vigil.engine.tensor.TensorScope;

/** The whole batch through one executor; the backend splits each op between its threads. */
final class WholeBatchPass implements BatchPass {

  private final Backend backend;
  private final int imageSize;
  private final NetworkExecutor executor;
  private final SoftmaxCrossEntropy loss;
  private final Tensor inputs;
  private final Tensor dLogits;

  WholeBatchPass(Network network, int batchSize) {
    this.backend = network.backend();
    this.imageSize = network.inputShape().perImage();
    this.executor = network.newExecutor(batchSize, true);
    this.loss = new SoftmaxCrossEntropy(backend, network.outputShape().perImage(), batchSize);
    this.inputs = backend.allocate(network.inputShape().withBatch(batchSize));
    this.dLogits = backend.allocate(network.outputShape().withBatch(batchSize));
  }

  @Override
  public double run(float[] hostInputs, int[] hostLabels, int n) {
    Tensor batchInputs = n == inputs.shape().n() ? inputs : inputs.firstImages(n);
    Tensor batchGrad = n == dLogits.shape().n() ? dLogits : dLogits.firstImages(n);
    backend.upload(hostInputs, 0, batchInputs, 0, n * imageSize);
    double mean = loss.forward(executor.forward(batchInputs, true), hostLabels);
    loss.backward(batchGrad);
    executor.backward(batchGrad);
    return mean * n;
  }

  @Override
  public void close() {
    try (TensorScope all = new TensorScope()) {
      all.add(executor);
      all.add(loss);
      all.add(inputs);
      all.add(dLogits);
    }
  }
}
