package io.vigil.engine.layer;

import io.vigil.engine.backend.Backend;
import io.vigil.engine.backend.Window2d;
import io.vigil.engine.tensor.IntTensor;
import io.vigil.engine.tensor.Shape;
import io.vigil.engine.tensor.Tensor;

/**
 * Max pooling, channel by channel: {@code y[c][oy][ox] = max over the window of x[c]}. Forward
 * records the winning input of each window (the switch); backward sends each output gradient to
 * that input only, {@code dx[switch[j]] += dy[j]}, and zero elsewhere.
 */
public final class MaxPool2d extends AbstractLayer<MaxPool2dSpec> {

  private final Window2d window;

  MaxPool2d(String name, MaxPool2dSpec spec, Shape input, Backend backend) {
    super(name, spec, input, backend);
    this.window = spec.window(name, inputShape);
  }

  private record Switches(IntTensor indices) implements Scratch {
    @Override
    public void close() {
      indices.close();
    }
  }

  @Override
  public Scratch newScratch(int maxBatch) {
    return new Switches(backend.allocateInts(maxBatch * window.outPerImage()));
  }

  @Override
  public void forward(Tensor in, Tensor out, Scratch scratch, boolean training) {
    requireBatch(in, out);
    if (training) {
      backend.maxPoolForward(in, window, out, ((Switches) scratch).indices());
    } else {
      backend.maxPoolValues(in, window, out, ((Switches) scratch).indices());
    }
  }

  @Override
  public void backward(Tensor in, Tensor out, Tensor dOut, Tensor dIn, Scratch scratch) {
    if (dIn != null) {
      backend.maxPoolBackward(dOut, ((Switches) scratch).indices(), window, dIn);
    }
  }
}
