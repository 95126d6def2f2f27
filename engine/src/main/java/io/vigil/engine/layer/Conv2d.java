package io.vigil.engine.layer;

import io.vigil.engine.backend.Backend;
import io.vigil.engine.backend.GemmOp;
import io.vigil.engine.backend.Window2d;
import io.vigil.engine.tensor.Shape;
import io.vigil.engine.tensor.Tensor;
import java.util.List;
import java.util.Random;

/**
 * Convolution as im2col + GEMM. With {@code P = C·kH·kW} (patch size) and {@code Q = H'·W'} (output
 * positions), for each image {@code i}:
 *
 * <pre>
 *   cols_i = im2col(x_i)                       P × Q
 *   y_i    = W · cols_i + b                    K × Q      (W is K × P, stored K × C × kH × kW)
 *   dW    += Σ_i dy_i · cols_iᵀ                K × P
 *   db    += Σ_i Σ_q dy_i[·, q]
 *   dx_i   = col2im(Wᵀ · dy_i)                 C × H × W
 * </pre>
 *
 * This is cross-correlation (no kernel flip), as in the seed texts and every framework.
 */
public final class Conv2d extends AbstractLayer<Conv2dSpec> {

  private final Window2d window;
  private final Parameter weight;
  private final Parameter bias;

  Conv2d(String name, Conv2dSpec spec, Shape input, Backend backend) {
    super(name, spec, input, backend);
    this.window = spec.window(name, inputShape);
    this.weight =
        newParameter(
            "weight", new Shape(spec.filters(), input.c(), spec.kernelH(), spec.kernelW()));
    this.bias = newParameter("bias", new Shape(1, spec.filters(), 1, 1));
  }

  public Parameter weight() {
    return weight;
  }

  public Parameter bias() {
    return bias;
  }

  @Override
  public List<Parameter> parameters() {
    return List.of(weight, bias);
  }

  @Override
  public void initialise(Random random) {
    heNormal(weight, window.patchSize(), random);
    backend.fill(bias.value(), 0f);
  }

  /** Column buffer and GEMM descriptors for one executor, rebuilt only when the batch changes. */
  private final class ConvScratch implements Scratch {
    final Tensor cols;
    final Tensor workspace;
    int batch = -1;
    GemmOp forward;
    GemmOp weightGrad;
    GemmOp inputGrad;

    ConvScratch(int maxBatch) {
      cols =
          backend.allocate(new Shape(maxBatch, window.patchSize(), window.outH(), window.outW()));
      int ws = backend.gemmWorkspaceSize(weightGradOp(Math.max(2, maxBatch)));
      workspace = backend.allocate(new Shape(1, Math.max(1, ws), 1, 1));
    }

    void prepare(int n) {
      if (n == batch) {
        return;
      }
      int k = spec.filters();
      int p = window.patchSize();
      int q = window.positions();
      forward = GemmOp.of(false, false, k, q, p, 1f, 0f).batched(n, 0, p * q, k * q);
      weightGrad = weightGradOp(n);
      inputGrad = GemmOp.of(true, false, p, q, k, 1f, 0f).batched(n, 0, k * q, p * q);
      batch = n;
    }
  }

  private GemmOp weightGradOp(int n) {
    int k = spec.filters();
    int p = window.patchSize();
    int q = window.positions();
    return GemmOp.of(false, true, k, p, q, 1f, 1f).batched(n, k * q, p * q, 0);
  }

  @Override
  public Scratch newScratch(int maxBatch) {
    return new ConvScratch(maxBatch);
  }

  @Override
  public void forward(Tensor in, Tensor out, Scratch scratch, boolean training) {
    requireBatch(in, out);
    ConvScratch s = (ConvScratch) scratch;
    s.prepare(in.shape().n());
    backend.im2col(in, window, s.cols);
    backend.gemm(s.forward, weight.value(), 0, s.cols, 0, out, 0, null);
    backend.addChannelBias(out, bias.value());
  }

  @Override
  public void backward(Tensor in, Tensor out, Tensor dOut, Tensor dIn, Scratch scratch) {
    ConvScratch s = (ConvScratch) scratch;
    s.prepare(in.shape().n());
    backend.accumulateChannelBiasGrad(dOut, bias.grad());
    // cols still holds im2col(x) from forward; it is overwritten by dcols only afterwards.
    backend.gemm(s.weightGrad, dOut, 0, s.cols, 0, weight.grad(), 0, s.workspace);
    if (dIn != null) {
      backend.gemm(s.inputGrad, weight.value(), 0, dOut, 0, s.cols, 0, null);
      backend.col2im(s.cols, window, dIn);
    }
  }
}
