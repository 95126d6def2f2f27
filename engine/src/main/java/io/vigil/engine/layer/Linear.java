package io.vigil.engine.layer;

import io.vigil.engine.backend.ActivationKind;
import io.vigil.engine.backend.Backend;
import io.vigil.engine.backend.Epilogue;
import io.vigil.engine.backend.GemmOp;
import io.vigil.engine.backend.Normalisation;
import io.vigil.engine.tensor.Shape;
import io.vigil.engine.tensor.Tensor;
import java.util.List;
import java.util.Random;

/**
 * A fully connected layer over a batch: {@code X} is {@code N × I} (each image's {@code C·H·W}
 * values), {@code W} is {@code O × I} (stored {@code O × I × 1 × 1}), {@code b} is {@code O}.
 *
 * <pre>
 *   Y   = X · Wᵀ + b        N × O
 *   dW += dYᵀ · X           O × I
 *   db += Σ_n dY[n, ·]
 *   dX  = dY · W            N × I
 * </pre>
 */
public final class Linear extends AbstractLayer<LinearSpec> implements FusesEpilogue {

  private final int inputs;
  private final Parameter weight;
  private final Parameter bias;

  Linear(String name, LinearSpec spec, Shape input, Backend backend) {
    super(name, spec, input, backend);
    this.inputs = inputShape.perImage();
    this.weight = newParameter("weight", new Shape(spec.outputs(), inputs, 1, 1));
    this.bias = newParameter("bias", new Shape(1, spec.outputs(), 1, 1));
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
    heNormal(weight, inputs, random);
    backend.fill(bias.value(), 0f);
  }

  private final class LinearScratch implements Scratch {
    int batch = -1;
    GemmOp forward;
    GemmOp weightGrad;
    GemmOp inputGrad;

    void prepare(int n) {
      if (n != batch) {
        int o = spec.outputs();
        forward = GemmOp.of(false, true, n, o, inputs, 1f, 0f);
        weightGrad = GemmOp.of(true, false, o, inputs, n, 1f, 1f);
        inputGrad = GemmOp.of(false, false, n, inputs, o, 1f, 0f);
        batch = n;
      }
    }
  }

  @Override
  public Scratch newScratch(int maxBatch) {
    return new LinearScratch();
  }

  @Override
  public void forward(Tensor in, Tensor out, Scratch scratch, boolean training) {
    product(in, out, scratch, Epilogue.bias(bias.value()));
  }

  @Override
  public void forwardInference(
      Tensor in,
      Tensor out,
      Scratch scratch,
      Normalisation norm,
      ActivationKind activation,
      float alpha) {
    product(in, out, scratch, Epilogue.bias(bias.value()).normalised(norm).then(activation, alpha));
  }

  private void product(Tensor in, Tensor out, Scratch scratch, Epilogue epilogue) {
    requireBatch(in, out);
    LinearScratch s = (LinearScratch) scratch;
    s.prepare(in.shape().n());
    backend.gemm(s.forward, in, 0, weight.value(), 0, out, 0, null);
    backend.applyEpilogue(out, epilogue);
  }

  @Override
  public void backward(Tensor in, Tensor out, Tensor dOut, Tensor dIn, Scratch scratch) {
    LinearScratch s = (LinearScratch) scratch;
    s.prepare(in.shape().n());
    backend.accumulateChannelBiasGrad(dOut, bias.grad());
    backend.gemm(s.weightGrad, dOut, 0, in, 0, weight.grad(), 0, null);
    if (dIn != null) {
      backend.gemm(s.inputGrad, dOut, 0, weight.value(), 0, dIn, 0, null);
    }
  }
}
