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

  /** The buffers that tie the taps, null until the first backward pass needs them. */
  private Tying tying;

  private final GemmOp sumTaps;

  Subsampling(String name, SubsamplingSpec spec, Shape input, Backend backend) {
    super(name, spec, input, backend);
    this.channels = input.c();
    this.taps = spec.window() * spec.window();
    this.depthwise = new Conv2d(name, spec.depthwise(channels), input, backend);
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

  /** The parameters, and the buffers that tie each window's coefficients if training made them. */
  @Override
  public void close() {
    super.close();
    if (tying != null) {
      tying.close();
    }
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
    if (tying == null) {
      tying = new Tying(backend, depthwise.weight().value().shape(), taps);
    }
    Tensor ones = tying.ones;
    Tensor before = tying.before;
    Tensor tied = tying.tied;
    Tensor grad = depthwise.weight().grad();
    backend.copy(grad, before);
    depthwise.backward(in, out, dOut, dIn, scratch);
    // Tie only this pass's increment: gradients accumulate (+=) until the optimizer step.
    backend.axpy(-1f, before, grad);
    backend.gemm(sumTaps, grad, 0, ones, 0, tied, 0, null);
    backend.copy(before, grad);
    backend.axpy(1f, tied, grad);
  }

  /**
   * Training-only buffers: a {@code taps × taps} matrix of ones, the gradient before this pass and
   * the tied increment. A layer is trained on one thread, so it makes them without a lock.
   */
  private static final class Tying implements AutoCloseable {
    final Tensor ones;
    final Tensor before;
    final Tensor tied;

    Tying(Backend backend, Shape weights, int taps) {
      this.ones = backend.allocate(new Shape(1, 1, taps, taps));
      Tensor b = null;
      try {
        backend.fill(ones, 1f);
        b = backend.allocate(weights);
        this.tied = backend.allocate(weights);
      } catch (RuntimeException | Error e) {
        ones.close();
        if (b != null) {
          b.close();
        }
        throw e;
      }
      this.before = b;
    }

    @Override
    public void close() {
      ones.close();
      before.close();
      tied.close();
    }
  }
}
