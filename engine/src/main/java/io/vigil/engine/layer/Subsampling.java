package io.vigil.engine.layer;

import io.vigil.engine.backend.Backend;
import io.vigil.engine.backend.GemmOp;
import io.vigil.engine.tensor.Shape;
import io.vigil.engine.tensor.Tensor;
import java.util.List;
import java.util.Random;

/**
 * Trainable subsampling as a depthwise {@link Conv2d} (one {@code window × window} kernel per
 * channel, stride = window) whose taps are tied: they start equal and each receives the sum of all
 * taps' gradients, {@code ∂L/∂a_c = Σ_taps ∂L/∂w_c,t}, so they stay equal — one coefficient per
 * channel. The sum over taps is a GEMM with a matrix of ones, so the layer needs no op of its own
 * from the backend.
 */
final class Subsampling extends AbstractLayer<SubsamplingSpec> {

  private final Conv2d depthwise;
  private final int channels;
  private final int taps;
  private final Tensor ones;
  private final Tensor before;
  private final Tensor tied;
  private final GemmOp sumTaps;

  Subsampling(String name, SubsamplingSpec spec, Shape input, Backend backend) {
    super(name, spec, input, backend);
    this.channels = input.c();
    this.taps = spec.window() * spec.window();
    this.depthwise = new Conv2d(name, spec.depthwise(channels), input, backend);
    Shape weights = depthwise.weight().value().shape();
    this.ones = backend.allocate(new Shape(1, 1, taps, taps));
    backend.fill(ones, 1f);
    this.before = backend.allocate(weights);
    this.tied = backend.allocate(weights);
    // tied (C × taps) = delta (C × taps) · ones (taps × taps): every entry is its row's sum.
    this.sumTaps = GemmOp.of(false, false, channels, taps, taps, 1f, 0f);
  }

  @Override
  public List<Parameter> parameters() {
    return depthwise.parameters();
  }

  /** Coefficients N(0, 1/taps), as LeCun's fan-in scaling; biases zero. */
  @Override
  public void initialise(Random random) {
    float[] values = new float[channels * taps];
    double std = Math.sqrt(1.0 / taps);
    for (int c = 0; c < channels; c++) {
      java.util.Arrays.fill(
          values, c * taps, (c + 1) * taps, (float) (random.nextGaussian() * std));
    }
    backend.upload(values, 0, depthwise.weight().value(), 0, values.length);
    backend.fill(depthwise.bias().value(), 0f);
  }

  /** The parameters, and the buffers that tie each window's coefficients. */
  @Override
  public void close() {
    super.close();
    ones.close();
    before.close();
    tied.close();
  }

  @Override
  public Scratch newScratch(int maxBatch) {
    return depthwise.newScratch(maxBatch);
  }

  @Override
  public void forward(Tensor in, Tensor out, Scratch scratch, boolean training) {
    depthwise.forward(in, out, scratch, training);
  }

  @Override
  public void backward(Tensor in, Tensor out, Tensor dOut, Tensor dIn, Scratch scratch) {
    Tensor grad = depthwise.weight().grad();
    backend.copy(grad, before);
    depthwise.backward(in, out, dOut, dIn, scratch);
    // Tie only this pass's increment: gradients accumulate (+=) until the optimizer step.
    backend.axpy(-1f, before, grad);
    backend.gemm(sumTaps, grad, 0, ones, 0, tied, 0, null);
    backend.copy(before, grad);
    backend.axpy(1f, tied, grad);
  }
}
