package io.vigil.engine.backend.cpu;

import io.vigil.engine.backend.PoolKind;
import io.vigil.engine.backend.Window2d;
import io.vigil.engine.tensor.IntTensor;
import io.vigil.engine.tensor.Tensor;

/**
 * The window ops of {@link CpuBackend}: im2col and col2im, max, average and L2 pooling, each split
 * between its threads by image (and by channel when a batch has fewer images than threads); the
 * kernels are {@link CpuWindowOps}' and {@link CpuPoolOps}'.
 */
final class CpuWindowPasses {

  private final CpuBackend backend;
  private final Parallel parallel;

  CpuWindowPasses(CpuBackend backend, Parallel parallel) {
    this.backend = backend;
    this.parallel = parallel;
  }

  void im2col(Tensor images, Window2d w, Tensor cols) {
    int n = images.shape().n();
    float[] x = backend.data(images);
    float[] cv = backend.data(cols);
    // By rows of the column matrix rather than channels: a 3-channel first layer splits evenly.
    forImageChannels(
        n,
        w.patchSize(),
        w.colsPerImage(),
        (i, r0, r1) ->
            CpuWindowOps.im2colRows(
                x,
                images.offset() + i * w.inPerImage(),
                w,
                cv,
                cols.offset() + i * w.colsPerImage(),
                r0,
                r1));
  }

  void col2im(Tensor cols, Window2d w, Tensor images) {
    int n = images.shape().n();
    float[] x = backend.data(images);
    float[] cv = backend.data(cols);
    forImageChannels(
        n,
        w.channels(),
        w.colsPerImage(),
        (i, c0, c1) ->
            CpuWindowOps.col2im(
                cv,
                cols.offset() + i * w.colsPerImage(),
                w,
                x,
                images.offset() + i * w.inPerImage(),
                c0,
                c1));
  }

  void maxPoolForward(Tensor in, Window2d w, Tensor out, IntTensor switches) {
    maxPool(in, w, out, switches, true);
  }

  void maxPoolValues(Tensor in, Window2d w, Tensor out, IntTensor switches) {
    maxPool(in, w, out, switches, false);
  }

  /** Max pooling, recording the switches only if {@code record} (training). */
  private void maxPool(Tensor in, Window2d w, Tensor out, IntTensor switches, boolean record) {
    int n = in.shape().n();
    int[] sw = backend.ints(switches);
    float[] x = backend.data(in);
    float[] y = backend.data(out);
    forImageChannels(
        n,
        w.channels(),
        (long) w.outPerImage() * w.kernelH() * w.kernelW(),
        (i, c0, c1) -> {
          int xOff = in.offset() + i * w.inPerImage();
          int yOff = out.offset() + i * w.outPerImage();
          int swOff = i * w.outPerImage();
          if (record) {
            CpuWindowOps.maxPoolForward(x, xOff, w, y, yOff, sw, swOff, c0, c1);
          } else {
            CpuWindowOps.maxPoolValues(x, xOff, w, y, yOff, sw, swOff, c0, c1);
          }
        });
  }

  /** Work on channels {@code [c0, c1)} of image {@code i}. */
  @FunctionalInterface
  private interface ChannelsTask {
    void run(int image, int c0, int c1);
  }

  /**
   * Runs {@code task} over every image, split between threads by image; with fewer images than
   * threads (batch 1 inference) by blocks of channels as well, so that no thread idles. Every value
   * is computed the same way whatever the split.
   */
  private void forImageChannels(int n, int channels, long costPerImage, ChannelsTask task) {
    if (n >= parallel.threads() || channels == 1) {
      parallel.forEach(n, costPerImage, i -> task.run(i, 0, channels));
      return;
    }
    parallel.forRange(
        n * channels,
        Math.max(1, costPerImage / channels),
        (from, to, part) -> {
          for (int item = from; item < to; ) {
            int image = item / channels;
            int c0 = item % channels;
            int c1 = Math.min(channels, c0 + (to - item));
            task.run(image, c0, c1);
            item += c1 - c0;
          }
        });
  }

  void maxPoolBackward(Tensor dOut, IntTensor switches, Window2d w, Tensor dIn) {
    int n = dIn.shape().n();
    int[] sw = backend.ints(switches);
    float[] dy = backend.data(dOut);
    float[] dx = backend.data(dIn);
    parallel.forEach(
        n,
        w.inPerImage(),
        i ->
            CpuWindowOps.maxPoolBackward(
                dy,
                dOut.offset() + i * w.outPerImage(),
                sw,
                i * w.outPerImage(),
                w,
                dx,
                dIn.offset() + i * w.inPerImage()));
  }

  void poolForward(PoolKind kind, Tensor in, Window2d w, Tensor out) {
    int n = in.shape().n();
    float[] x = backend.data(in);
    float[] y = backend.data(out);
    parallel.forEach(
        n,
        (long) w.outPerImage() * w.kernelH() * w.kernelW(),
        i ->
            CpuPoolOps.forward(
                kind,
                x,
                in.offset() + i * w.inPerImage(),
                w,
                y,
                out.offset() + i * w.outPerImage()));
  }

  void poolBackward(PoolKind kind, Tensor in, Tensor out, Tensor dOut, Window2d w, Tensor dIn) {
    int n = in.shape().n();
    float[] x = backend.data(in);
    float[] y = backend.data(out);
    float[] dy = backend.data(dOut);
    float[] dx = backend.data(dIn);
    parallel.forEach(
        n,
        (long) w.outPerImage() * w.kernelH() * w.kernelW(),
        i ->
            CpuPoolOps.backward(
                kind,
                x,
                in.offset() + i * w.inPerImage(),
                y,
                out.offset() + i * w.outPerImage(),
                dy,
                dOut.offset() + i * w.outPerImage(),
                w,
                dx,
                dIn.offset() + i * w.inPerImage()));
  }
}
