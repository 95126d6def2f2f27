package io.vigil.opencl;

import io.vigil.engine.backend.ActivationKind;
import io.vigil.engine.tensor.Shape;
import io.vigil.engine.tensor.Tensor;

/**
 * The elementwise ops of {@link OpenClBackend}: activations and their gradients, the softmax and
 * its gradient, products and channel copies; each enqueues one kernel on arguments {@code Backend}
 * has checked.
 */
final class ClElementwise {

  private static final String ELEMENTWISE = "elementwise";
  private static final String ACTIVATION = "activation";

  private final ClLauncher ops;

  ClElementwise(ClLauncher ops) {
    this.ops = ops;
  }

  void activation(ActivationKind kind, float alpha, Tensor in, Tensor out) {
    Launch l = ops.launch(ACTIVATION, "activation").i(kind.ordinal()).f(alpha);
    ops.tensor(ops.tensor(l, in), out).i(in.size()).run1d(in.size());
  }

  void activationBackward(
      ActivationKind kind, float alpha, Tensor in, Tensor out, Tensor dOut, Tensor dIn) {
    Launch l = ops.launch(ACTIVATION, "activation_backward").i(kind.ordinal()).f(alpha);
    ops.tensor(ops.tensor(ops.tensor(ops.tensor(l, in), out), dOut), dIn)
        .i(in.size())
        .run1d(in.size());
  }

  void softmax(Tensor logits, Tensor probs) {
    int rows = logits.shape().n();
    ops.tensor(ops.tensor(ops.launch(ACTIVATION, "softmax"), logits), probs)
        .i(rows)
        .i(logits.shape().perImage())
        .run1d(rows);
  }

  void softmaxBackward(Tensor probs, Tensor dProbs, Tensor dLogits) {
    int rows = probs.shape().n();
    ops.tensor(
            ops.tensor(ops.tensor(ops.launch(ACTIVATION, "softmax_backward"), probs), dProbs),
            dLogits)
        .i(rows)
        .i(probs.shape().perImage())
        .run1d(rows);
  }

  void multiply(Tensor a, Tensor b, Tensor out) {
    ops.tensor(ops.tensor(ops.tensor(ops.launch(ELEMENTWISE, "multiply"), a), b), out)
        .i(a.size())
        .run1d(a.size());
    out.changed();
  }

  void copyChannels(Tensor src, int srcChannel, Tensor dst, int dstChannel, int channels) {
    Shape s = src.shape();
    Shape d = dst.shape();
    int total = s.n() * channels * s.plane();
    ops.tensor(ops.launch(ELEMENTWISE, "copy_channels"), src)
        .i(s.c())
        .i(srcChannel)
        .tensor(dst)
        .i(d.c())
        .i(dstChannel)
        .i(channels)
        .i(s.plane())
        .i(total)
        .run1d(total);
    dst.changed();
  }
}
