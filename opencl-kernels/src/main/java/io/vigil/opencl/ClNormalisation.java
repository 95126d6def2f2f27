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

  /**
   * Build options of lrn_forward per (WRITE_S, BETA_34) as bits 2, 1, made once: an inference is
   * bound by the host's cost per launch at batch 1.
   */
  private static final String[] VARIANTS = {
    "-DWRITE_S=0 -DBETA_34=0",
    "-DWRITE_S=0 -DBETA_34=1",
    "-DWRITE_S=1 -DBETA_34=0",
    "-DWRITE_S=1 -DBETA_34=1"
  };

  private final ClLauncher ops;

  ClNormalisation(ClLauncher ops) {
    this.ops = ops;
  }

  /** {@code lrn_forward}; {@code writeScale} false for inference, where nothing reads {@code s}. */
  void lrnForward(Tensor in, Lrn lrn, Tensor out, Tensor scale, boolean writeScale) {
    Shape s = in.shape();
    if (in.size() == 0) {
      return;
    }
    String variant = VARIANTS[(writeScale ? 2 : 0) | (lrn.beta() == 0.75f ? 1 : 0)];
    ops.tensor(ops.tensor(ops.tensor(ops.launch(NORM, "lrn_forward", variant), in), out), scale)
        .i(s.n() * s.plane())
        .i(s.c())
        .i(s.plane())
        .i(lrn.before())
        .i(lrn.after())
        .f(lrn.alpha())
        .f(lrn.beta())
        .f(lrn.k())
        .run1d((long) s.n() * s.plane());
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
