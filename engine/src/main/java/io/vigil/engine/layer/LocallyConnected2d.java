package io.vigil.engine.layer;

import io.vigil.engine.backend.Backend;
import io.vigil.engine.backend.GemmOp;
import io.vigil.engine.backend.Window2d;
import io.vigil.engine.tensor.Shape;
import io.vigil.engine.tensor.Tensor;
import java.util.List;
import java.util.Random;

/**
 * Locally-connected layer as im2col + one small GEMM per output position. With {@code P = C·kH·kW},
 * {@code Q = H'·W'}, weights stored {@code Q × K × P} (position-major) and bias {@code K × H' ×
 * W'}, for each image {@code i} and position {@code q} ({@code cols_i[·, q]} is that position's
 * patch):
 *
 * <pre>
 *   y_i[·, q]      = W_q · cols_i[·, q] + b[·, q]        K
 *   dW_q          += dy_i[·, q] · cols_i[·, q]ᵀ           K × P
 *   db            += Σ_i dy_i
 *   dcols_i[·, q]  = W_qᵀ · dy_i[·, q];  dx_i = col2im(dcols_i)
 * </pre>
 */
public final class LocallyConnected2d extends AbstractLayer<LocallyConnected2dSpec> {

  private final Window2d window;
  private final Parameter weight;
  private final Parameter bias;
  private final GemmOp forwardOp;
  private final GemmOp weightGradOp;
  private final GemmOp inputGradOp;

  LocallyConnected2d(String name, LocallyConnected2dSpec spec, Shape input, Backend backend) {
    super(name, spec, input, backend);
    this.window = spec.window(name, inputShape);
    int k = spec.filters();
    int p = window.patchSize();
    int q = window.positions();
    this.weight = newParameter("weight", new Shape(q, k, p, 1));
    this.bias = newParameter("bias", new Shape(1, k, window.outH(), window.outW()));
    // One product per position q: A_q = W_q (K × P), B_q = column q of cols (P × 1, row stride Q),
    // C_q = column q of y (K × 1, row stride Q).
    this.forwardOp = new GemmOp(false, false, k, 1, p, 1f, 0f, p, q, q, q, k * p, 1, 1);
    this.weightGradOp = new GemmOp(false, true, k, p, 1, 1f, 1f, q, q, p, q, 1, 1, k * p);
    this.inputGradOp = new GemmOp(true, false, p, 1, k, 1f, 0f, p, q, q, q, k * p, 1, 1);
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

  private record Cols(Tensor cols) implements Scratch {
    @Override
    public void close() {
      cols.close();
    }
  }

  @Override
  public Scratch newScratch(int maxBatch) {
    return new Cols(
        backend.allocate(new Shape(maxBatch, window.patchSize(), window.outH(), window.outW())));
  }

  @Override
  public void forward(Tensor in, Tensor out, Scratch scratch, boolean training) {
    requireBatch(in, out);
    Tensor cols = ((Cols) scratch).cols();
    backend.im2col(in, window, cols);
    int per = outputShape.perImage();
    for (int i = 0; i < in.shape().n(); i++) {
      backend.gemm(
          forwardOp, weight.value(), 0, cols, i * window.colsPerImage(), out, i * per, null);
      backend.axpy(1f, bias.value(), image(out, i));
    }
  }

  @Override
  public void backward(Tensor in, Tensor out, Tensor dOut, Tensor dIn, Scratch scratch) {
    Tensor cols = ((Cols) scratch).cols();
    int per = outputShape.perImage();
    int n = in.shape().n();
    for (int i = 0; i < n; i++) {
      backend.axpy(1f, image(dOut, i), bias.grad());
      backend.gemm(
          weightGradOp, dOut, i * per, cols, i * window.colsPerImage(), weight.grad(), 0, null);
    }
    if (dIn != null) {
      for (int i = 0; i < n; i++) {
        backend.gemm(
            inputGradOp, weight.value(), 0, dOut, i * per, cols, i * window.colsPerImage(), null);
      }
      backend.col2im(cols, window, dIn);
    }
  }

  /** A view of image {@code i} of {@code t}. */
  private static Tensor image(Tensor t, int i) {
    Shape s = t.shape();
    return new Tensor(t.owner(), s.withBatch(1), t.storage(), t.offset() + i * s.perImage());
  }
}
