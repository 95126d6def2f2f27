package io.vigil.opencl;

import io.vigil.engine.backend.Epilogue;
import io.vigil.engine.backend.Window2d;
import io.vigil.engine.tensor.IntTensor;
import io.vigil.engine.tensor.Tensor;

/**
 * What every op of {@link OpenClBackend} needs: the device context, unwrapping of device tensors
 * (refusing tensors of another backend), and kernel launches. The ops themselves live in the final
 * classes the backend delegates to ({@link ClWindowOps}, {@link ClElementwise}, {@link
 * ClEpilogues}, {@link ClNormalisation}, {@link ClLoss}, {@link ClGemm}).
 */
final class ClLauncher {

  private final OpenClBackend backend;

  ClLauncher(OpenClBackend backend) {
    this.backend = backend;
  }

  /** The device context; ops hold the backend's lock while they use it. */
  ClContext cl() {
    return backend.cl();
  }

  /** The device buffer behind a tensor of this backend. */
  ClBuffer buffer(Tensor t) {
    if (t.owner() != backend || !(t.storage() instanceof ClBuffer b)) {
      throw new IllegalArgumentException(
          t + " is not owned by " + backend.name() + "; copy it explicitly between backends");
    }
    return b;
  }

  /** The device buffer behind an int tensor of this backend. */
  ClBuffer ints(IntTensor t) {
    if (t.owner() != backend || !(t.storage() instanceof ClBuffer b)) {
      throw new IllegalArgumentException("int tensor is not owned by " + backend.name());
    }
    return b;
  }

  /** Starts a launch of kernel {@code name} from {@code kernels/FILE.cl}. */
  Launch launch(String file, String name) {
    return launch(file, name, "");
  }

  Launch launch(String file, String name, String options) {
    return new Launch(cl(), backend, cl().kernel(file, name, options), name);
  }

  /** A tensor argument, checked to be ours. */
  Launch tensor(Launch l, Tensor t) {
    buffer(t);
    return l.tensor(t);
  }

  /**
   * The four epilogue arguments of {@code epilogue.cl} and {@code conv_direct.cl}: the bias buffer
   * and offset ({@code placeholder}'s when there is no bias: the kernel does not read it, but the
   * argument needs a valid buffer), whether there is a bias, the activation kind (-1: none; else
   * {@link io.vigil.engine.backend.ActivationKind}'s ordinal) and its alpha.
   */
  Launch epilogue(Launch l, Epilogue e, Tensor placeholder) {
    tensor(l, e.bias() == null ? placeholder : e.bias());
    return l.i(e.bias() == null ? 0 : 1)
        .i(e.activation() == null ? -1 : e.activation().ordinal())
        .f(e.alpha());
  }

  /** The 13 window arguments in the order of {@code WINDOW_PARAMS} in the kernels. */
  static Launch window(Launch l, Window2d w) {
    return l.i(w.channels())
        .i(w.height())
        .i(w.width())
        .i(w.kernelH())
        .i(w.kernelW())
        .i(w.strideH())
        .i(w.strideW())
        .i(w.padH())
        .i(w.padW())
        .i(w.dilationH())
        .i(w.dilationW())
        .i(w.outH())
        .i(w.outW());
  }
}
