package io.vigil.engine.layer;

import io.vigil.engine.backend.Backend;
import io.vigil.engine.backend.Lrn;
import io.vigil.engine.tensor.Shape;
import io.vigil.engine.tensor.Tensor;

/**
 * Cross-channel local response normalisation (formula in {@link Lrn}); keeps the per-value scale
 * {@code s = k + α Σ x²} of the forward pass in its scratch for backward.
 */
public final class LocalResponseNorm extends AbstractLayer<LrnSpec> {

  private final Lrn lrn;

  LocalResponseNorm(String name, LrnSpec spec, Shape input, Backend backend) {
    super(name, spec, input, backend);
    this.lrn = spec.lrn();
  }

  private record ScaleBuffer(Tensor scale) implements Scratch {
    @Override
    public void close() {
      scale.close();
    }
  }

  @Override
  public Scratch newScratch(int maxBatch) {
    return new ScaleBuffer(backend.allocate(inputShape.withBatch(maxBatch)));
  }

  @Override
  public void forward(Tensor in, Tensor out, Scratch scratch, boolean training) {
    requireBatch(in, out);
    Tensor scale = ((ScaleBuffer) scratch).scale().firstImages(in.shape().n());
    if (training) {
      backend.lrnForward(in, lrn, out, scale);
    } else {
      backend.lrnValues(in, lrn, out, scale);
    }
  }

  @Override
  public void backward(Tensor in, Tensor out, Tensor dOut, Tensor dIn, Scratch scratch) {
    if (dIn != null) {
      Tensor scale = ((ScaleBuffer) scratch).scale().firstImages(in.shape().n());
      backend.lrnBackward(in, out, scale, dOut, lrn, dIn);
    }
  }
}
