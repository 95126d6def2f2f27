package io.vigil.engine.layer;

import io.vigil.engine.backend.Backend;
import io.vigil.engine.tensor.Shape;
import io.vigil.engine.tensor.Tensor;
import java.util.SplittableRandom;

/**
 * Inverted dropout: training {@code y = x ⊙ mask}, {@code mask = [u ≥ p]/(1 − p)} with {@code u}
 * uniform, drawn per batch from the executor's seeded generator; {@code dx = dy ⊙ mask}. At
 * inference {@code y = x}, {@code dx = dy}.
 */
public final class Dropout extends AbstractLayer<DropoutSpec> {

  Dropout(String name, DropoutSpec spec, Shape input, Backend backend) {
    super(name, spec, input, backend);
  }

  private final class Mask implements Scratch {
    final SplittableRandom random;
    final float[] host;
    final Tensor mask;
    boolean applied;

    Mask(int maxBatch, long seed) {
      random = new SplittableRandom(seed);
      host = new float[maxBatch * inputShape.perImage()];
      mask = backend.allocate(inputShape.withBatch(maxBatch));
    }

    @Override
    public void close() {
      mask.close();
    }
  }

  @Override
  public Scratch newScratch(int maxBatch) {
    return newScratch(maxBatch, 0L);
  }

  @Override
  public Scratch newScratch(int maxBatch, long seed) {
    return new Mask(maxBatch, seed ^ name.hashCode());
  }

  @Override
  public void forward(Tensor in, Tensor out, Scratch scratch, boolean training) {
    requireBatch(in, out);
    Mask m = (Mask) scratch;
    m.applied = training && spec.p() > 0f;
    if (!m.applied) {
      backend.copy(in, out);
      return;
    }
    int count = in.size();
    float keep = 1f - spec.p();
    float scale = 1f / keep;
    for (int i = 0; i < count; i++) {
      m.host[i] = m.random.nextFloat() < spec.p() ? 0f : scale;
    }
    Tensor mask = m.mask.firstImages(in.shape().n());
    backend.upload(m.host, 0, mask, 0, count);
    backend.multiply(in, mask, out);
  }

  @Override
  public void backward(Tensor in, Tensor out, Tensor dOut, Tensor dIn, Scratch scratch) {
    if (dIn == null) {
      return;
    }
    Mask m = (Mask) scratch;
    if (m.applied) {
      backend.multiply(dOut, m.mask.firstImages(in.shape().n()), dIn);
    } else {
      backend.copy(dOut, dIn);
    }
  }
}
