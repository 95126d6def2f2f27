package io.vigil.engine.train;

import io.vigil.engine.backend.Backend;
import io.vigil.engine.layer.Layer;
import io.vigil.engine.layer.Parameter;
import io.vigil.engine.loss.SoftmaxCrossEntropy;
import io.vigil.engine.network.Network;
import io.vigil.engine.network.NetworkExecutor;
import io.vigil.engine.summary.NetworkSummary;
import io.vigil.engine.tensor.Tensor;
import io.vigil.engine.tensor.TensorScope;
import java.util.Arrays;
import java.util.List;

/**
 * Data parallelism on the CPU backend's workers: the batch is split into one share of whole images
 * per worker, and each worker runs its share's forward and backward passes with its own executor
 * and its own copy of the network, so the workers meet once per step instead of once per op. Share
 * 0 uses the network itself; the others train replicas whose weights are copied from it before each
 * step and whose gradients are added into it after, in share order (so a run is reproducible on a
 * given number of workers).
 *
 * <p>The gradient is that of the whole batch's mean loss, as {@link WholeBatchPass} computes, up to
 * the order of the floating-point sums. Only for networks whose images do not meet in training (no
 * batch normalisation: see {@link #suits}).
 */
final class SharedBatchPass implements BatchPass {

  /**
   * Copying weights to the replicas and adding their gradients back moves a few floats per
   * parameter per step; the passes cost a few multiply-adds per connection per image. Splitting
   * pays while the first stays under this share of the second.
   */
  private static final double MAX_COPY_SHARE = 0.05;

  private final Backend backend;
  private final int imageSize;
  private final Network[] networks;
  private final NetworkExecutor[] executors;
  private final SoftmaxCrossEntropy[] losses;
  private final Tensor[] inputs;
  private final Tensor[] dLogits;
  private final int[][] labels;
  private final double[] shareLoss;
  private final boolean[] ran;

  /** Whether splitting {@code batchSize} images between the backend's workers pays and is exact. */
  static boolean suits(Network network, int batchSize) {
    int workers = network.backend().shareWorkers();
    if (workers < 2 || batchSize < 2 * workers) {
      return false;
    }
    if (network.layers().stream().anyMatch(Layer::mixesImagesInTraining)) {
      return false;
    }
    NetworkSummary summary = NetworkSummary.of(network.spec());
    double copied = 4.0 * summary.totalParameters() * (workers - 1);
    double computed = 3.0 * summary.totalMultiplyAdds() * batchSize;
    return copied <= MAX_COPY_SHARE * computed;
  }

  SharedBatchPass(Network network, int batchSize) {
    this.backend = network.backend();
    this.imageSize = network.inputShape().perImage();
    int shares = backend.shareWorkers();
    // Shares are contiguous and differ by at most one image: none holds more than this.
    int perShare = (batchSize + shares - 1) / shares;
    int classes = network.outputShape().perImage();
    this.networks = new Network[shares];
    this.executors = new NetworkExecutor[shares];
    this.losses = new SoftmaxCrossEntropy[shares];
    this.inputs = new Tensor[shares];
    this.dLogits = new Tensor[shares];
    this.labels = new int[shares][perShare];
    this.shareLoss = new double[shares];
    this.ran = new boolean[shares];
    for (int s = 0; s < shares; s++) {
      networks[s] = s == 0 ? network : Network.fromSpec(network.spec(), backend);
      // Distinct seeds, so the shares draw distinct dropout masks.
      executors[s] = networks[s].newExecutor(perShare, true, network.seed() + s);

      losses[s] = new SoftmaxCrossEntropy(backend, classes, perShare);
      inputs[s] = backend.allocate(network.inputShape().withBatch(perShare));
      dLogits[s] = backend.allocate(network.outputShape().withBatch(perShare));
    }
  }

  @Override
  public double run(float[] hostInputs, int[] hostLabels, int n) {
    Arrays.fill(ran, false);
    backend.forShares(n, (from, to, share) -> runShare(hostInputs, hostLabels, n, from, to, share));
    List<Parameter> sums = networks[0].parameters();
    double loss = shareLoss[0];
    for (int s = 1; s < networks.length; s++) {
      if (!ran[s]) {
        continue; // a batch smaller than the workers leaves some out
      }
      List<Parameter> replica = networks[s].parameters();
      for (int i = 0; i < sums.size(); i++) {
        backend.axpy(1f, replica.get(i).grad(), sums.get(i).grad());
        backend.fill(replica.get(i).grad(), 0f);
      }
      loss += shareLoss[s];
    }
    return loss;
  }

  /** Images {@code [from, to)} of a batch of {@code n}, on the worker that runs share {@code s}. */
  private void runShare(float[] hostInputs, int[] hostLabels, int n, int from, int to, int s) {
    int m = to - from;
    if (s > 0) {
      List<Parameter> source = networks[0].parameters();
      List<Parameter> replica = networks[s].parameters();
      for (int i = 0; i < source.size(); i++) {
        backend.copy(source.get(i).value(), replica.get(i).value());
      }
    }
    Tensor in = m == inputs[s].shape().n() ? inputs[s] : inputs[s].firstImages(m);
    Tensor grad = m == dLogits[s].shape().n() ? dLogits[s] : dLogits[s].firstImages(m);
    backend.upload(hostInputs, from * imageSize, in, 0, m * imageSize);
    System.arraycopy(hostLabels, from, labels[s], 0, m);
    shareLoss[s] = losses[s].forward(executors[s].forward(in, true), labels[s]) * m;
    losses[s].backward(grad, n);
    executors[s].backward(grad);
    ran[s] = true;
  }

  /**
   * Frees the executors, losses and buffers, and the replicas (share 0 runs the network itself).
   */
  @Override
  public void close() {
    try (TensorScope all = new TensorScope()) {
      for (int s = 0; s < networks.length; s++) {
        if (s > 0 && networks[s] != null) {
          all.add(networks[s]);
        }
        for (AutoCloseable owned :
            new AutoCloseable[] {executors[s], losses[s], inputs[s], dLogits[s]}) {
          if (owned != null) {
            all.add(owned);
          }
        }
      }
    }
  }
}
