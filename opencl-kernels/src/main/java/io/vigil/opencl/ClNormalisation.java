package io.vigil.opencl;

import io.vigil.engine.backend.Lrn;
import io.vigil.engine.tensor.Shape;
import io.vigil.engine.tensor.Tensor;

/**
 * The normalisation ops of {@link OpenClBackend}: local response normalisation, channel statistics
 * and batch normalisation; each enqueues one kernel on arguments {@code Backend} has checked.
 */
final class ClNormalisation {

  private static final String NORM = "norm";

  private final ClLauncher ops;

  ClNormalisation(ClLauncher ops) {
    this.ops = ops;
  }

  void lrnForward(Tensor in, Lrn lrn, Tensor out, Tensor scale) {
    Shape s = in.shape();
    ops.tensor(ops.tensor(ops.tensor(ops.launch(NORM, "lrn_forward"), in), out), scale)
        .i(in.size())
        .i(s.c())
        .i(s.plane())
        .i(lrn.before())
        .i(lrn.after())
        .f(lrn.alpha())
        .f(lrn.beta())
        .f(lrn.k())
        .run1d(in.size());
  }

  void lrnBackward(Tensor in, Tensor out, Tensor scale, Tensor dOut, Lrn lrn, Tensor dIn) {
    Shape s = in.shape();
    Launch l = ops.tensor(ops.tensor(ops.tensor(ops.launch(NORM, "lrn_backward"), in), out), scale);
    ops.tensor(ops.tensor(l, dOut), dIn)
        .i(in.size())
        .i(s.c())
        .i(s.plane())
        .i(lrn.before())
        .i(lrn.after())
        .f(lrn.alpha())
        .f(lrn.beta())
        .run1d(in.size());
  }

  void channelMeanVariance(Tensor in, Tensor mean, Tensor variance) {
    Shape s = in.shape();
    ops.tensor(ops.launch(NORM, "mean_variance"), in)
        .i(s.n())
        .i(s.c())
        .i(s.plane())
        .tensor(mean)
        .tensor(variance)
        .groups(s.c(), ops.cl().tuning("WG"));
  }

  void batchNormForward(
      Tensor in, Tensor mean, Tensor variance, float eps, Tensor gamma, Tensor beta, Tensor out) {
    Shape s = in.shape();
    if (s.n() == 0) {
      return;
    }
    Launch l = ops.tensor(ops.launch(NORM, "batch_norm_forward"), in).i(s.c()).i(s.plane());
    l = ops.tensor(ops.tensor(l, mean), variance).f(eps);
    ops.tensor(ops.tensor(ops.tensor(l, gamma), beta), out)
        .run(new long[] {s.plane(), (long) s.n() * s.c()}, null);
  }

  void batchNormBackward(
      Tensor in,
      Tensor mean,
      Tensor variance,
      float eps,
      Tensor gamma,
      boolean batchStatistics,
      Tensor dOut,
      Tensor dIn,
      Tensor dGamma,
      Tensor dBeta) {
    Shape s = in.shape();
    Launch l =
        ops.tensor(ops.launch(NORM, "batch_norm_backward"), in).i(s.n()).i(s.c()).i(s.plane());
    l = ops.tensor(ops.tensor(l, mean), variance).f(eps);
    l = ops.tensor(ops.tensor(l, gamma).i(batchStatistics ? 1 : 0), dOut).i(dIn == null ? 0 : 1);
    // Without dIn the kernel never writes dx; any valid buffer fills the argument slot.
    l = dIn == null ? l.tensor(dOut) : ops.tensor(l, dIn);
    ops.tensor(ops.tensor(l, dGamma), dBeta).groups(s.n() == 0 ? 0 : s.c(), ops.cl().tuning("WG"));
  }
}
