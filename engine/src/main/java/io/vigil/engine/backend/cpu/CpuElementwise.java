package io.vigil.engine.backend.cpu;

import io.vigil.engine.backend.ActivationKind;
import io.vigil.engine.tensor.Shape;
import io.vigil.engine.tensor.Tensor;

/**
 * The elementwise ops of {@link CpuBackend}: activations and their gradients, products and channel
 * copies, split between its threads; the kernels are {@link CpuActivationOps}'.
 */
final class CpuElementwise {

  private final CpuBackend backend;
  private final Parallel parallel;

  CpuElementwise(CpuBackend backend, Parallel parallel) {
    this.backend = backend;
    this.parallel = parallel;
  }

  void activation(ActivationKind kind, float alpha, Tensor in, Tensor out) {
    float[] x = backend.data(in);
    float[] y = backend.data(out);
    // Split the values between threads; sigmoid and tanh cost a few multiply-adds each.
    parallel.forRange(
        in.size(),
        4,
        (from, to, part) ->
            CpuActivationOps.forward(
                kind, alpha, x, in.offset() + from, y, out.offset() + from, to - from));
  }

  void activationBackward(
      ActivationKind kind, float alpha, Tensor in, Tensor out, Tensor dOut, Tensor dIn) {
    float[] x = backend.data(in);
    float[] y = backend.data(out);
    float[] dy = backend.data(dOut);
    float[] dx = backend.data(dIn);
    parallel.forRange(
        in.size(),
        2,
        (from, to, part) ->
            CpuActivationOps.backward(
                kind,
                alpha,
                x,
                in.offset() + from,
                y,
                out.offset() + from,
                dy,
                dOut.offset() + from,
                dx,
                dIn.offset() + from,
                to - from));
  }

  void multiply(Tensor a, Tensor b, Tensor out) {
    CpuActivationOps.multiply(
        backend.data(a),
        a.offset(),
        backend.data(b),
        b.offset(),
        backend.data(out),
        out.offset(),
        a.size());
    out.changed();
  }

  void copyChannels(Tensor src, int srcChannel, Tensor dst, int dstChannel, int channels) {
    Shape s = src.shape();
    Shape d = dst.shape();
    CpuActivationOps.copyChannels(
        backend.data(src),
        src.offset(),
        s.c(),
        srcChannel,
        backend.data(dst),
        dst.offset(),
        d.c(),
        dstChannel,
        channels,
        s.n(),
        s.plane());
    dst.changed();
  }
}
