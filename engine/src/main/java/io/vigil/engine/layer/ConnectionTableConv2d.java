package io.vigil.engine.layer;

import io.vigil.engine.backend.Backend;
import io.vigil.engine.tensor.Shape;
import io.vigil.engine.tensor.Tensor;
import java.util.List;
import java.util.Random;

/**
 * A {@link Conv2d} whose weights are masked by a connection table: the weight tensor is dense
 * ({@code K × C × kH × kW}) but entries of unconnected (filter, channel) pairs are zero from the
 * start and their gradients are zeroed after every backward pass, so they stay zero under any
 * optimizer. The parameters that count are the connected ones ({@link
 * ConnectionTableConv2dSpec#kernels()}·kH·kW + K).
 */
final class ConnectionTableConv2d extends AbstractLayer<ConnectionTableConv2dSpec> {

  private final Conv2d dense;

  /**
   * Null until {@link #mask()} first builds it; a layer is initialised and trained on one thread.
   */
  private Tensor mask;

  ConnectionTableConv2d(String name, ConnectionTableConv2dSpec spec, Shape input, Backend backend) {
    super(name, spec, input, backend);
    this.dense = new Conv2d(name, spec.dense(), input, backend);
  }

  /**
   * The connection mask, built the first time initialisation or training needs it: a model loaded
   * to serve has its masked weights zero already and never reads it.
   */
  private Tensor mask() {
    if (mask == null) {
      Shape weights = dense.weight().value().shape();
      float[] ones = new float[weights.size()];
      int patch = spec.kernelH() * spec.kernelW();
      for (int k = 0; k < spec.inputs().size(); k++) {
        for (int c : spec.inputs().get(k)) {
          int from = (k * inputShape.c() + c) * patch;
          java.util.Arrays.fill(ones, from, from + patch, 1f);
        }
      }
      mask = backend.allocate(weights);
      backend.upload(ones, 0, mask, 0, ones.length);
    }
    return mask;
  }

  @Override
  public List<Parameter> parameters() {
    return dense.parameters();
  }

  @Override
  public void initialise(Random random) {
    dense.initialise(random);
    backend.multiply(dense.weight().value(), mask(), dense.weight().value());
  }

  /** The parameters, and the connection mask if it was built. */
  @Override
  public void close() {
    super.close();
    if (mask != null) {
      mask.close();
    }
  }

  @Override
  public Scratch newScratch(int maxBatch) {
    return dense.newScratch(maxBatch);
  }

  @Override
  public void forward(Tensor in, Tensor out, Scratch scratch, boolean training) {
    dense.forward(in, out, scratch, training);
  }

  @Override
  public void backward(Tensor in, Tensor out, Tensor dOut, Tensor dIn, Scratch scratch) {
    dense.backward(in, out, dOut, dIn, scratch);
    backend.multiply(dense.weight().grad(), mask(), dense.weight().grad());
  }
}
