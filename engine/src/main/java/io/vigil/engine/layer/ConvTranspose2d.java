package io.vigil.engine.layer;

import io.vigil.engine.backend.Backend;
import io.vigil.engine.backend.GemmOp;
import io.vigil.engine.backend.Window2d;
import io.vigil.engine.tensor.Shape;
import io.vigil.engine.tensor.Tensor;
import java.util.List;
import java.util.Random;

/**
 * Transposed convolution, the convolution's backward pass run forwards. With {@code C} input
 * channels, {@code Q = H·W} input positions and {@code P = K·kH·kW} (K output channels), W stored
 * {@code C × K × kH × kW} (a {@code C × P} matrix), for each image {@code i}:
 *
 * <pre>
 *   y_i   = col2im(Wᵀ · x_i) + b          K × H_out × W_out   (Wᵀ·x_i is P × Q)
 *   dW   += Σ_i x_i · im2col(dy_i)ᵀ        C × P
 *   db   += Σ_i Σ_positions dy_i
 *   dx_i  = W · im2col(dy_i)               C × Q
 * </pre>
 */
public final class ConvTranspose2d extends AbstractLayer<ConvTranspose2dSpec> {

  private final Window2d window;
  private final Parameter weight;
  private final Parameter bias;

  ConvTranspose2d(String name, ConvTranspose2dSpec spec, Shape input, Backend backend) {
    super(name, spec, input, backend);
    this.window = spec.window(name, inputShape);
    this.weight =
        newParameter(
            "weight", new Shape(input.c(), spec.filters(), spec.kernelH(), spec.kernelW()));
    this.bias = spec.bias() ? newParameter("bias", new Shape(1, spec.filters(), 1, 1)) : null;
  }

  public Parameter weight() {
    return weight;
  }

  /** The bias, or null without one. */
  public Parameter bias() {
    return bias;
  }

  @Override
  public List<Parameter> parameters() {
    return bias == null ? List.of(weight) : List.of(weight, bias);
  }

  @Override
  public void initialise(Random random) {
    heNormal(weight, inputShape.c() * spec.kernelH() * spec.kernelW(), random);
    if (bias != null) {
      backend.fill(bias.value(), 0f);
    }
  }

  private final class Scratch2 implements Scratch {
    final Tensor cols;
    final Tensor workspace;
    int batch = -1;
    GemmOp forward;
    GemmOp weightGrad;
    GemmOp inputGrad;

    Scratch2(int maxBatch) {
      cols =
          backend.allocate(new Shape(maxBatch, window.patchSize(), window.outH(), window.outW()));
      int ws = backend.gemmWorkspaceSize(weightGradOp(Math.max(2, maxBatch)));
      workspace = backend.allocate(new Shape(1, Math.max(1, ws), 1, 1));
    }

    @Override
    public void close() {
      cols.close();
      workspace.close();
    }

    void prepare(int n) {
      if (n != batch) {
        int c = inputShape.c();
        int p = window.patchSize();
        int q = window.positions();
        forward = GemmOp.of(true, false, p, q, c, 1f, 0f).batched(n, 0, c * q, p * q);
        weightGrad = weightGradOp(n);
        inputGrad = GemmOp.of(false, false, c, q, p, 1f, 0f).batched(n, 0, p * q, c * q);
        batch = n;
      }
    }
  }

  private GemmOp weightGradOp(int n) {
    int c = inputShape.c();
    int p = window.patchSize();
    int q = window.positions();
    return GemmOp.of(false, true, c, p, q, 1f, 1f).batched(n, c * q, p * q, 0);
  }

  @Override
  public Scratch newScratch(int maxBatch) {
    return new Scratch2(maxBatch);
  }

  @Override
  public void forward(Tensor in, Tensor out, Scratch scratch, boolean training) {
    requireBatch(in, out);
    Scratch2 s = (Scratch2) scratch;
    s.prepare(in.shape().n());
    backend.gemm(s.forward, weight.value(), 0, in, 0, s.cols, 0, null);
    backend.col2im(s.cols, window, out);
    if (bias != null) {
      backend.addChannelBias(out, bias.value());
    }
  }

  @Override
  public void backward(Tensor in, Tensor out, Tensor dOut, Tensor dIn, Scratch scratch) {
    Scratch2 s = (Scratch2) scratch;
    s.prepare(in.shape().n());
    if (bias != null) {
      backend.accumulateChannelBiasGrad(dOut, bias.grad());
    }
    backend.im2col(dOut, window, s.cols);
    backend.gemm(s.weightGrad, in, 0, s.cols, 0, weight.grad(), 0, s.workspace);
    if (dIn != null) {
      backend.gemm(s.inputGrad, weight.value(), 0, s.cols, 0, dIn, 0, null);
    }
  }
}
