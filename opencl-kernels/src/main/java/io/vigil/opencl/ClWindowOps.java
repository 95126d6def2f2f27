package io.vigil.opencl;

import io.vigil.engine.backend.PoolKind;
import io.vigil.engine.backend.Window2d;
import io.vigil.engine.tensor.IntTensor;
import io.vigil.engine.tensor.Tensor;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The window ops of {@link OpenClBackend}: im2col and col2im, max pooling with and without its
 * switches, average and L2 pooling; each enqueues one kernel on arguments {@code Backend} has
 * checked.
 */
final class ClWindowOps {

  private static final String POOL = "pool";
  private static final String MAX_POOL_VALUES = "max_pool_values";

  private final ClLauncher ops;

  ClWindowOps(ClLauncher ops) {
    this.ops = ops;
  }

  void im2col(Tensor images, Window2d w, Tensor cols) {
    int n = images.shape().n();
    Launch l = ops.tensor(ops.tensor(ops.launch("window", "im2col"), images), cols).i(n);
    ClLauncher.window(l, w).run1d((long) n * w.patchSize() * w.outH());
  }

  void col2im(Tensor cols, Window2d w, Tensor images) {
    int n = images.shape().n();
    Launch l = ops.tensor(ops.tensor(ops.launch("window", "col2im"), cols), images).i(n);
    ClLauncher.window(l, w).run1d((long) n * w.channels() * w.height());
  }

  void maxPoolForward(Tensor in, Window2d w, Tensor out, IntTensor switches) {
    int n = in.shape().n();
    ClBuffer sw = ops.ints(switches);
    // The device now owns the switches' contents; the host mirror no longer describes them.
    sw.hostInts = null;
    Launch l = ops.tensor(ops.tensor(ops.launch("pool", "max_pool_forward"), in), out).mem(sw).i(n);
    ClLauncher.window(l, w).run1d((long) n * w.channels() * w.outH());
  }

  void maxPoolBackward(Tensor dOut, IntTensor switches, Window2d w, Tensor dIn) {
    int n = dIn.shape().n();
    Launch l = ops.tensor(ops.launch("pool", "max_pool_backward"), dOut).mem(ops.ints(switches));
    ClLauncher.window(ops.tensor(l, dIn).i(n), w).run1d((long) n * w.channels() * w.height());
  }

  /**
   * Max pooling without the switches, the window compiled into {@code max_pool_values.cl}; a
   * dilated window (which pool.cl does not support either) goes to {@link #maxPoolForward}.
   */
  void maxPoolValues(Tensor in, Window2d w, Tensor out, IntTensor switches) {
    if (w.dilationH() != 1 || w.dilationW() != 1) {
      maxPoolForward(in, w, out, switches);
      return;
    }
    int n = in.shape().n();
    if (n == 0) {
      return;
    }
    String options = POOL_OPTIONS.computeIfAbsent(w, ClWindowOps::poolOptions);
    long[] perPlane = {w.outW(), w.outH(), (long) n * w.channels()};
    ops.tensor(ops.tensor(ops.launch(MAX_POOL_VALUES, MAX_POOL_VALUES, options), in), out)
        .run(perPlane, Launch.perImage(ops.cl(), perPlane));
  }

  /** Build options of max_pool_values per window, kept: formatting them costs microseconds. */
  private static final Map<Window2d, String> POOL_OPTIONS = new ConcurrentHashMap<>();

  private static String poolOptions(Window2d w) {
    boolean clipped =
        w.padH() > 0
            || w.padW() > 0
            || (w.outH() - 1) * w.strideH() + w.kernelH() > w.height()
            || (w.outW() - 1) * w.strideW() + w.kernelW() > w.width();
    return String.format(
        "-DH=%d -DW=%d -DKH=%d -DKW=%d -DSH=%d -DSW=%d -DPH=%d -DPW=%d -DCLIPPED=%d",
        w.height(),
        w.width(),
        w.kernelH(),
        w.kernelW(),
        w.strideH(),
        w.strideW(),
        w.padH(),
        w.padW(),
        clipped ? 1 : 0);
  }

  void poolForward(PoolKind kind, Tensor in, Window2d w, Tensor out) {
    int n = in.shape().n();
    Launch l =
        ops.tensor(ops.tensor(ops.launch(POOL, "pool_forward").i(kind.ordinal()), in), out).i(n);
    ClLauncher.window(l, w).run1d((long) n * w.channels() * w.outH());
  }

  void poolBackward(PoolKind kind, Tensor in, Tensor out, Tensor dOut, Window2d w, Tensor dIn) {
    int n = in.shape().n();
    Launch l = ops.launch(POOL, "pool_backward").i(kind.ordinal());
    l = ops.tensor(ops.tensor(ops.tensor(ops.tensor(l, in), out), dOut), dIn).i(n);
    ClLauncher.window(l, w).run1d((long) n * w.channels() * w.height());
  }
}
