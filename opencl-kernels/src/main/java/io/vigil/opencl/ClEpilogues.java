package io.vigil.opencl;

import io.vigil.engine.backend.Epilogue;
import io.vigil.engine.backend.Normalisation;
import io.vigil.engine.tensor.Shape;
import io.vigil.engine.tensor.Tensor;

/**
 * The per-channel ops of {@link OpenClBackend}: the bias, the fused epilogue (bias and activation
 * in one launch) and the bias gradient.
 */
final class ClEpilogues {

  private static final String ELEMENTWISE = "elementwise";
  private static final String NORM = "norm";
  private static final String EPILOGUE = "epilogue";

  private final ClLauncher ops;
  private final ClNormalisation normalisation;

  ClEpilogues(ClLauncher ops, ClNormalisation normalisation) {
    this.ops = ops;
    this.normalisation = normalisation;
  }

  void addChannelBias(Tensor t, Tensor bias) {
    Shape s = t.shape();
    if (s.n() == 0) {
      return;
    }
    ops.tensor(ops.tensor(ops.launch(ELEMENTWISE, "add_channel_bias"), t), bias)
        .i(s.c())
        .i(s.plane())
        .run(new long[] {s.plane(), (long) s.n() * s.c()}, null);
  }

  /** Bias and activation in one launch of {@code epilogue.cl} instead of one each. */
  void applyEpilogue(Tensor t, Epilogue epilogue) {
    Shape s = t.shape();
    Normalisation norm = epilogue.norm();
    if (norm != null) {
      // The epilogue kernel has no batch norm: the bias, the normalisation in place, then the
      // activation alone.
      if (epilogue.bias() != null) {
        addChannelBias(t, epilogue.bias());
      }
      normalisation.batchNormForward(
          t, norm.mean(), norm.variance(), norm.eps(), norm.gamma(), norm.beta(), t);
      epilogue = new Epilogue(null, epilogue.activation(), epilogue.alpha());
    }
    ops.buffer(t);
    if (epilogue.isEmpty() || s.size() == 0) {
      return;
    }
    ops.epilogue(ops.tensor(ops.launch(EPILOGUE, EPILOGUE), t), epilogue, t)
        .run(new long[] {s.plane(), s.c(), s.n()}, null);
  }

  void accumulateChannelBiasGrad(Tensor dOut, Tensor dBias) {
    Shape s = dOut.shape();
    int wg = ops.cl().tuning("WG");
    ops.tensor(ops.launch(NORM, "channel_sum_accumulate"), dOut)
        .i(s.n())
        .i(s.c())
        .i(s.plane())
        .tensor(dBias)
        .groups(s.n() == 0 ? 0 : s.c(), wg);
  }
}
