package io.vigil.engine.layer;

import io.vigil.engine.backend.ActivationKind;
import io.vigil.engine.backend.Backend;
import io.vigil.engine.backend.ConvProduct;
import io.vigil.engine.backend.Epilogue;
import io.vigil.engine.backend.GemmOp;
import io.vigil.engine.backend.Normalisation;
import io.vigil.engine.backend.Window2d;
import io.vigil.engine.tensor.Shape;
import io.vigil.engine.tensor.Tensor;
import java.util.List;
import java.util.Random;

/**
 * Convolution as im2col + GEMM. With {@code g} groups, {@code Pg = (C/g)·kH·kW} (patch size of one
 * group), {@code Kg = K/g} filters per group and {@code Q = H'·W'} (output positions), for each
 * image {@code i} and group {@code j} (rows {@code j·Pg…} of the columns, rows {@code j·Kg…} of the
 * weights and of the output):
 *
 * <pre>
 *   cols_i   = im2col(x_i)                        (g·Pg) × Q   (dilated taps, zero padding)
 *   y_ij     = W_j · cols_ij + b_j                 Kg × Q      (W is K × C/g × kH × kW)
 *   dW_j    += Σ_i dy_ij · cols_ijᵀ                Kg × Pg
 *   db      += Σ_i Σ_q dy_i[·, q]
 *   dcols_ij = W_jᵀ · dy_ij;  dx_i = col2im(dcols_i)
 * </pre>
 *
 * This is cross-correlation (no kernel flip), as in the seed texts and every framework.
 */
public final class Conv2d extends AbstractLayer<Conv2dSpec> implements FusesEpilogue {

  private final Window2d window;
  private final int groups;
  private final Parameter weight;
  private final Parameter bias;

  Conv2d(String name, Conv2dSpec spec, Shape input, Backend backend) {
    super(name, spec, input, backend);
    this.window = spec.window(name, inputShape);
    this.groups = spec.groups();
    this.weight =
        newParameter(
            "weight",
            new Shape(spec.filters(), input.c() / groups, spec.kernelH(), spec.kernelW()));
    this.bias = spec.bias() ? newParameter("bias", new Shape(1, spec.filters(), 1, 1)) : null;
  }

  public Parameter weight() {
    return weight;
  }

  /** The bias, or null for a convolution without bias. */
  public Parameter bias() {
    return bias;
  }

  @Override
  public List<Parameter> parameters() {
    return bias == null ? List.of(weight) : List.of(weight, bias);
  }

  @Override
  public void initialise(Random random) {
    heNormal(weight, window.patchSize() / groups, random);
    if (bias != null) {
      backend.fill(bias.value(), 0f);
    }
  }

  /** Column buffer and GEMM descriptors for one executor, rebuilt only when the batch changes. */
  private final class ConvScratch implements Scratch {
    final Tensor cols;
    final Tensor workspace;
    int batch = -1;
    ConvProduct forward;
    GemmOp weightGrad;
    ConvProduct inputGrad;

    ConvScratch(int maxBatch) {
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
      if (n == batch) {
        return;
      }
      int k = spec.filters();
      int kg = k / groups;
      int p = window.patchSize();
      int pg = p / groups;
      int q = window.positions();
      forward = product(GemmOp.of(false, false, kg, q, pg, 1f, 0f).batched(n, 0, p * q, k * q));
      weightGrad = weightGradOp(n);
      inputGrad = product(GemmOp.of(true, false, pg, q, kg, 1f, 0f).batched(n, 0, k * q, p * q));
      batch = n;
    }
  }

  /** {@code op} over this layer's window and groups. */
  private ConvProduct product(GemmOp op) {
    return new ConvProduct(window, op, groups, wStride(), colStride(), yStride());
  }

  private GemmOp weightGradOp(int n) {
    int k = spec.filters();
    int p = window.patchSize();
    int q = window.positions();
    return GemmOp.of(false, true, k / groups, p / groups, q, 1f, 1f).batched(n, k * q, p * q, 0);
  }

  @Override
  public Scratch newScratch(int maxBatch) {
    return new ConvScratch(maxBatch);
  }

  @Override
  public void forward(Tensor in, Tensor out, Scratch scratch, boolean training) {
    if (!training) {
      inference(in, out, scratch, biasEpilogue());
      return;
    }
    requireBatch(in, out);
    ConvScratch s = (ConvScratch) scratch;
    s.prepare(in.shape().n());
    backend.convolve(in, s.forward, s.cols, weight.value(), out);
    if (bias != null) {
      backend.addChannelBias(out, bias.value());
    }
  }

  @Override
  public void forwardInference(
      Tensor in,
      Tensor out,
      Scratch scratch,
      Normalisation norm,
      ActivationKind activation,
      float alpha) {
    inference(in, out, scratch, biasEpilogue().normalised(norm).then(activation, alpha));
  }

  private Epilogue biasEpilogue() {
    return Epilogue.bias(bias == null ? null : bias.value());
  }

  private void inference(Tensor in, Tensor out, Scratch scratch, Epilogue epilogue) {
    requireBatch(in, out);
    ConvScratch s = (ConvScratch) scratch;
    s.prepare(in.shape().n());
    // Nothing reads the columns after an inference pass: the backend may skip them.
    backend.convolveInference(in, s.forward, s.cols, weight.value(), out, epilogue);
  }

  @Override
  public void backward(Tensor in, Tensor out, Tensor dOut, Tensor dIn, Scratch scratch) {
    ConvScratch s = (ConvScratch) scratch;
    s.prepare(in.shape().n());
    if (bias != null) {
      backend.accumulateChannelBiasGrad(dOut, bias.grad());
    }
    // cols still holds im2col(x) from forward; it is overwritten by dcols only afterwards.
    for (int j = 0; j < groups; j++) {
      backend.gemm(
          s.weightGrad,
          dOut,
          j * yStride(),
          s.cols,
          j * colStride(),
          weight.grad(),
          j * wStride(),
          s.workspace);
    }
    if (dIn != null) {
      backend.convolveBackwardInput(dOut, s.inputGrad, s.cols, weight.value(), dIn);
    }
  }

  /** Floats between groups in the weights ({@code Kg·Pg}). */
  private int wStride() {
    return (spec.filters() / groups) * (window.patchSize() / groups);
  }

  /** Floats between groups in one image's columns ({@code Pg·Q}). */
  private int colStride() {
    return window.patchSize() / groups * window.positions();
  }

  /** Floats between groups in one image's output ({@code Kg·Q}). */
  private int yStride() {
    return spec.filters() / groups * window.positions();
  }
}
