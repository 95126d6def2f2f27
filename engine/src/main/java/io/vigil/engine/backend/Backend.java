package io.vigil.engine.backend;

import static io.vigil.engine.backend.BackendChecks.checkArray;
import static io.vigil.engine.backend.BackendChecks.checkChannelCopy;
import static io.vigil.engine.backend.BackendChecks.checkConvolution;
import static io.vigil.engine.backend.BackendChecks.checkConvolutionGradient;
import static io.vigil.engine.backend.BackendChecks.checkIntRange;
import static io.vigil.engine.backend.BackendChecks.checkLabelCount;
import static io.vigil.engine.backend.BackendChecks.checkMaxPool;
import static io.vigil.engine.backend.BackendChecks.checkMaxPoolGradient;
import static io.vigil.engine.backend.BackendChecks.checkNorm;
import static io.vigil.engine.backend.BackendChecks.checkRange;
import static io.vigil.engine.backend.BackendChecks.checkSpan;
import static io.vigil.engine.backend.BackendChecks.requireChannels;
import static io.vigil.engine.backend.BackendChecks.requireImages;
import static io.vigil.engine.backend.BackendChecks.requireSameSize;

import io.vigil.engine.tensor.IntTensor;
import io.vigil.engine.tensor.Shape;
import io.vigil.engine.tensor.Tensor;
import java.util.List;
import java.util.function.Supplier;

/**
 * The ops layers are written in. Tensors passed to an op must be owned by this backend. The batch
 * size of an op is that of its main input; scratch tensors ({@code cols}, switches) may be larger
 * than needed.
 *
 * <p><b>The core.</b> A backend must implement these primitives, and nothing else: {@link #name},
 * memory and transfers ({@link #allocate}, {@link #allocateInts}, {@link #upload}, {@link
 * #download}, {@link #uploadInts}, {@link #downloadInts}, {@link #copy}, {@link #fill}), linear
 * algebra ({@link #gemm}, {@link #gemmWorkspaceSize}, {@link #axpy}, {@link #scale}), the window
 * unfolding convolutions are made of ({@link #im2col}, {@link #col2im}) and elementwise maps
 * ({@link #activation}, {@link #activationBackward}, {@link #multiply}).
 *
 * <p><b>The rest is optional.</b> Every other op has a default written with the core: the
 * convolution products as {@link #im2col} and {@link #gemm}, the channel bias and its gradient as
 * GEMMs with a vector of ones, the fused epilogue as the ops it fuses. The layer-shaped ops that
 * the core cannot express (pooling, LRN, batch normalisation, softmax and cross-entropy, channel
 * copies, Adam) default to a round trip through the host: their operands are downloaded, the CPU
 * backend runs the op, and what it wrote is uploaded back. So a new backend runs every network with
 * the core alone, and gets faster as it overrides more; the CPU and OpenCL backends override every
 * op with kernels of their own.
 *
 * <p><b>Arguments are checked once, here.</b> Each public op with arguments to check is a final
 * method that checks them ({@link BackendChecks}: sizes, offsets, spans; the error names the op and
 * the numbers) and then calls the backend's {@code …Unchecked} method, which a backend implements
 * or overrides and callers cannot reach. A backend checks only what it alone knows: that a tensor
 * is its own, and label values it reads.
 *
 * <p>Ops that write a result overwrite it unless their name says {@code accumulate}. Ops may run on
 * the backend's threads but return only when their result is complete. A backend is safe to use
 * from several threads at once as long as they do not share output tensors.
 *
 * <p>The ops that can change parameters, {@link #upload}, {@link #copy}, {@link #fill}, {@link
 * #axpy}, {@link #scale}, {@link #adamUpdate}, {@link #multiply} and {@link #copyChannels}, call
 * {@link Tensor#changed} on the tensor they write, so that values derived from it and kept with it
 * (the CPU backend's Winograd filters) are made again.
 */
public abstract class Backend {

  /** A short name for messages and logs, e.g. {@code cpu(2 threads)}. */
  public abstract String name();

  /**
   * Refuses, before anything is allocated, work that cannot fit in this backend's memory: {@code
   * bytes} more on top of what the backend already holds, none of its buffers larger than {@code
   * largestBuffer}. {@code what} names the work and its largest buffer for the message; it is only
   * asked for when the work is refused. A device with a fixed memory checks it here so that a
   * network too big for it fails when it is placed, not halfway through its first batch; the
   * default (host memory) accepts everything.
   *
   * @throws IllegalStateException naming {@code what}, the bytes asked and what the backend has
   */
  public void checkFits(Supplier<String> what, long bytes, long largestBuffer) {}

  /** Work on images {@code [from, to)} of a batch as share number {@code share}. */
  @FunctionalInterface
  public interface ShareTask {
    void run(int from, int to, int share);
  }

  /**
   * How many workers {@link #forShares} runs side by side: the CPU backend's threads; 1 (the
   * default) where one queue does all the work, as on a device.
   */
  public int shareWorkers() {
    return 1;
  }

  /**
   * Runs {@code task} on contiguous shares of {@code [0, count)}, at most {@link #shareWorkers} of
   * them, share numbers from 0, each on its own worker; the ops a share calls run serially on that
   * worker. For work where whole images are independent (inference), one share of images per worker
   * saves the hand-offs of splitting every op. The default runs one share on the caller.
   */
  public void forShares(int count, ShareTask task) {
    if (count > 0) {
      task.run(0, count, 0);
    }
  }

  // --- batches in flight ---------------------------------------------------------------------

  /**
   * Whether this backend's ops run on hardware of their own while the calling thread goes on (a
   * GPU): then host work done between enqueueing a batch and waiting for it is time gained, and
   * splitting work to overlap it pays. False (the default) where the ops run on the host's own
   * cores: the CPU backend, and an OpenCL device that is the host's CPU.
   */
  public boolean computesBesideHost() {
    return false;
  }

  /**
   * The host side of one batch in flight (see {@link #newTransferSlot}): its input on the way to
   * the device and its results on the way back, neither of which makes the caller wait for the
   * compute in between. A slot carries one batch at a time: {@link #upload}, then the ops, then
   * {@link #startDownload}, then {@link #finishDownload}; two slots let one batch's transfers run
   * while the other computes. The tensors a slot copies into belong to its batch: no other batch's
   * ops may use them until that batch's download is finished. Not thread-safe: one owner.
   */
  public interface TransferSlot extends AutoCloseable {

    /**
     * Copies {@code length} floats of {@code src} from {@code srcOffset} into this slot and starts
     * their copy into {@code dst} from its first value; every op called after this one sees them.
     * The caller may overwrite {@code src} as soon as this returns.
     */
    void upload(float[] src, int srcOffset, Tensor dst, int length);

    /**
     * As {@link #upload(float[], int, Tensor, int)} for a batch held one image to an array: the
     * first {@code imageFloats} floats of each of {@code images}, in order, into {@code dst} from
     * its first value, each copied once, straight from its own array. The caller may overwrite the
     * arrays as soon as this returns.
     */
    void uploadImages(List<float[]> images, int imageFloats, Tensor dst);

    /**
     * Starts copying the first {@code length} floats of {@code src} into this slot once every op
     * called before has finished; returns without waiting for them.
     */
    void startDownload(Tensor src, int length);

    /**
     * Waits for the download {@link #startDownload} started and copies its floats into {@code dst}
     * from {@code dstOffset}.
     *
     * @throws IllegalStateException when no download was started since the last one finished
     */
    void finishDownload(float[] dst, int dstOffset);

    /** Waits for what is still under way and frees the slot's staging. */
    @Override
    void close();
  }

  /**
   * A new {@link TransferSlot} for batches of up to {@code inputFloats} floats in and {@code
   * outputFloats} out; its staging is allocated here, once. The default suits backends whose ops
   * finish before they return: the upload is {@link #upload}, the download {@link #download} into a
   * host array made here, so a batch is complete when {@code startDownload} returns.
   */
  public TransferSlot newTransferSlot(int inputFloats, int outputFloats) {
    Backend backend = this;
    float[] results = new float[outputFloats];
    return new TransferSlot() {
      /** Floats of the download not yet handed out, or -1 when none was started. */
      private int pending = -1;

      @Override
      public void upload(float[] src, int srcOffset, Tensor dst, int length) {
        if (length > inputFloats) {
          throw new IllegalArgumentException(
              "transfer slot of "
                  + backend.name()
                  + ": upload of "
                  + length
                  + " floats, the slot holds "
                  + inputFloats);
        }
        backend.upload(src, srcOffset, dst, 0, length);
      }

      @Override
      public void uploadImages(List<float[]> images, int imageFloats, Tensor dst) {
        int count = images.size();
        if ((long) count * imageFloats > inputFloats) {
          throw new IllegalArgumentException(
              "transfer slot of "
                  + backend.name()
                  + ": upload of "
                  + count
                  + " images of "
                  + imageFloats
                  + " floats, the slot holds "
                  + inputFloats);
        }
        for (int i = 0; i < count; i++) {
          backend.upload(images.get(i), 0, dst, i * imageFloats, imageFloats);
        }
      }

      @Override
      public void startDownload(Tensor src, int length) {
        if (length > outputFloats) {
          throw new IllegalArgumentException(
              "transfer slot of "
                  + backend.name()
                  + ": download of "
                  + length
                  + " floats, the slot holds "
                  + outputFloats);
        }
        backend.download(src, 0, results, 0, length);
        pending = length;
      }

      @Override
      public void finishDownload(float[] dst, int dstOffset) {
        if (pending < 0) {
          throw new IllegalStateException(
              "transfer slot of " + backend.name() + ": no download was started");
        }
        System.arraycopy(results, 0, dst, dstOffset, pending);
        pending = -1;
      }

      @Override
      public void close() {
        pending = -1;
      }
    };
  }

  // --- core: memory and transfers ------------------------------------------------------------

  /** A new zero-filled tensor. */
  public abstract Tensor allocate(Shape shape);

  /** A new zero-filled int buffer. */
  public abstract IntTensor allocateInts(int length);

  /** Copies {@code length} floats from the host array into {@code dst} from {@code dstOffset}. */
  public final void upload(float[] src, int srcOffset, Tensor dst, int dstOffset, int length) {
    checkRange("upload destination", dst, dstOffset, length);
    checkArray("upload source", src.length, srcOffset, length);
    uploadUnchecked(src, srcOffset, dst, dstOffset, length);
  }

  /** {@link #upload} on arguments it has checked. */
  protected abstract void uploadUnchecked(
      float[] src, int srcOffset, Tensor dst, int dstOffset, int length);

  /** Copies {@code length} floats of {@code src} from {@code srcOffset} into a host array. */
  public final void download(Tensor src, int srcOffset, float[] dst, int dstOffset, int length) {
    checkRange("download source", src, srcOffset, length);
    checkArray("download destination", dst.length, dstOffset, length);
    downloadUnchecked(src, srcOffset, dst, dstOffset, length);
  }

  /** {@link #download} on arguments it has checked. */
  protected abstract void downloadUnchecked(
      Tensor src, int srcOffset, float[] dst, int dstOffset, int length);

  /** Copies {@code length} ints from a host array into {@code dst} from index 0. */
  public final void uploadInts(int[] src, int srcOffset, IntTensor dst, int length) {
    checkArray("upload ints source", src.length, srcOffset, length);
    checkIntRange("upload ints", dst, length);
    uploadIntsUnchecked(src, srcOffset, dst, length);
  }

  /** {@link #uploadInts} on arguments it has checked. */
  protected abstract void uploadIntsUnchecked(int[] src, int srcOffset, IntTensor dst, int length);

  /**
   * Copies the first {@code length} ints of {@code src} into a host array from {@code dstOffset}.
   */
  public final void downloadInts(IntTensor src, int[] dst, int dstOffset, int length) {
    checkArray("download ints destination", dst.length, dstOffset, length);
    checkIntRange("download ints", src, length);
    downloadIntsUnchecked(src, dst, dstOffset, length);
  }

  /** {@link #downloadInts} on arguments it has checked. */
  protected abstract void downloadIntsUnchecked(
      IntTensor src, int[] dst, int dstOffset, int length);

  /** {@code dst = src}; sizes must match. */
  public final void copy(Tensor src, Tensor dst) {
    requireSameSize("copy", src, dst);
    copyUnchecked(src, dst);
  }

  /** {@link #copy} on arguments it has checked. */
  protected abstract void copyUnchecked(Tensor src, Tensor dst);

  /** Every value of {@code t} becomes {@code value}. */
  public abstract void fill(Tensor t, float value);

  // --- core: linear algebra ------------------------------------------------------------------

  /**
   * Runs {@code op} on A, B, C starting at the given offsets within the tensors. {@code workspace}
   * is needed only when {@link GemmOp#sumsOverBatch()}; size it with {@link
   * #gemmWorkspaceSize(GemmOp)}; otherwise it may be null.
   */
  public final void gemm(
      GemmOp op,
      Tensor a,
      int aOffset,
      Tensor b,
      int bOffset,
      Tensor c,
      int cOffset,
      Tensor workspace) {
    checkSpan("gemm A", a, aOffset, (long) (op.batch() - 1) * op.strideA() + op.spanA());
    checkSpan("gemm B", b, bOffset, (long) (op.batch() - 1) * op.strideB() + op.spanB());
    checkSpan("gemm C", c, cOffset, (long) (op.batch() - 1) * op.strideC() + op.spanC());
    gemmUnchecked(op, a, aOffset, b, bOffset, c, cOffset, workspace);
  }

  /** {@link #gemm} on arguments it has checked. */
  protected abstract void gemmUnchecked(
      GemmOp op,
      Tensor a,
      int aOffset,
      Tensor b,
      int bOffset,
      Tensor c,
      int cOffset,
      Tensor workspace);

  /** Floats of workspace {@link #gemm} needs for {@code op} (0 if none). */
  public abstract int gemmWorkspaceSize(GemmOp op);

  /** {@code y += a·x}. */
  public final void axpy(float a, Tensor x, Tensor y) {
    requireSameSize("axpy", x, y);
    axpyUnchecked(a, x, y);
  }

  /** {@link #axpy} on arguments it has checked. */
  protected abstract void axpyUnchecked(float a, Tensor x, Tensor y);

  /** {@code x *= a}. */
  public abstract void scale(Tensor x, float a);

  // --- core: windows -------------------------------------------------------------------------

  /**
   * Unfolds every image of {@code images} ({@code n × C × H × W}) into its column matrix: for image
   * i, {@code cols[i][(c·kH + dy)·kW + dx][oy·outW + ox] = x[i][c][oy·sH − pH + dy][ox·sW − pW +
   * dx]} (0 outside the image).
   */
  public final void im2col(Tensor images, Window2d window, Tensor cols) {
    requireImages("im2col", images, window.inPerImage());
    checkSpan("im2col columns", cols, 0, (long) images.shape().n() * window.colsPerImage());
    im2colUnchecked(images, window, cols);
  }

  /** {@link #im2col} on arguments it has checked. */
  protected abstract void im2colUnchecked(Tensor images, Window2d window, Tensor cols);

  /** The adjoint of {@link #im2col}: sums column entries back into {@code images} (overwritten). */
  public final void col2im(Tensor cols, Window2d window, Tensor images) {
    requireImages("col2im", images, window.inPerImage());
    checkSpan("col2im columns", cols, 0, (long) images.shape().n() * window.colsPerImage());
    col2imUnchecked(cols, window, images);
  }

  /** {@link #col2im} on arguments it has checked. */
  protected abstract void col2imUnchecked(Tensor cols, Window2d window, Tensor images);

  // --- core: elementwise maps ----------------------------------------------------------------

  /**
   * {@code out = f(in)} elementwise, per {@link ActivationKind}; {@code alpha} is LeakyReLU's α.
   */
  public final void activation(ActivationKind kind, float alpha, Tensor in, Tensor out) {
    requireSameSize(kind + " activation", in, out);
    activationUnchecked(kind, alpha, in, out);
  }

  /** {@link #activation} on arguments it has checked. */
  protected abstract void activationUnchecked(
      ActivationKind kind, float alpha, Tensor in, Tensor out);

  /**
   * {@code dIn = f'(x) ⊙ dOut} elementwise (overwritten), given the forward input {@code in} and
   * output {@code out} (each kind reads the one its derivative needs; see {@link ActivationKind}).
   */
  public final void activationBackward(
      ActivationKind kind, float alpha, Tensor in, Tensor out, Tensor dOut, Tensor dIn) {
    requireSameSize(kind + " activation backward", in, out);
    requireSameSize(kind + " activation backward", in, dOut);
    requireSameSize(kind + " activation backward", in, dIn);
    activationBackwardUnchecked(kind, alpha, in, out, dOut, dIn);
  }

  /** {@link #activationBackward} on arguments it has checked. */
  protected abstract void activationBackwardUnchecked(
      ActivationKind kind, float alpha, Tensor in, Tensor out, Tensor dOut, Tensor dIn);

  /** {@code out = a ⊙ b} elementwise; sizes must match ({@code out} may be {@code a}). */
  public final void multiply(Tensor a, Tensor b, Tensor out) {
    requireSameSize("multiply", a, b);
    requireSameSize("multiply", a, out);
    multiplyUnchecked(a, b, out);
  }

  /** {@link #multiply} on arguments it has checked. */
  protected abstract void multiplyUnchecked(Tensor a, Tensor b, Tensor out);

  // --- optional: convolution and pooling -----------------------------------------------------

  /**
   * A convolution's forward product: {@link #im2col} of {@code images} into {@code cols} (window
   * {@code p.window()}), then for each of {@code p.groups()} groups {@code gemm(p.op(), weights,
   * j·weightStride, cols, j·colStride, out, j·outStride)} (strides of {@code p}). {@code cols}
   * keeps every image's columns afterwards (the weight gradient reads them). Backends may
   * interleave the two per image, so that one image's columns are still in cache when its product
   * reads them; the results are the same.
   */
  public final void convolve(
      Tensor images, ConvProduct p, Tensor cols, Tensor weights, Tensor out) {
    checkConvolution(images, p, cols, weights, out);
    convolveUnchecked(images, p, cols, weights, out);
  }

  /** {@link #convolve} on arguments it has checked. */
  protected void convolveUnchecked(
      Tensor images, ConvProduct p, Tensor cols, Tensor weights, Tensor out) {
    im2col(images, p.window(), cols);
    for (int j = 0; j < p.groups(); j++) {
      gemm(
          p.op(),
          weights,
          j * p.weightStride(),
          cols,
          j * p.colStride(),
          out,
          j * p.outStride(),
          null);
    }
  }

  /**
   * {@link #convolve} for inference, where nothing reads {@code cols} afterwards, followed by
   * {@link #applyEpilogue}{@code (out, epilogue)}: a backend may compute the product straight from
   * the images, leave {@code cols} unwritten, and apply the epilogue while each image's output is
   * still in cache (or in the same kernel). The default unfolds, multiplies, then applies it.
   */
  public final void convolveInference(
      Tensor images, ConvProduct p, Tensor cols, Tensor weights, Tensor out, Epilogue epilogue) {
    checkConvolution(images, p, null, weights, out);
    if (epilogue.bias() != null) {
      requireChannels("convolution bias", epilogue.bias(), p.groups() * p.op().m());
    }
    checkNorm(epilogue.norm(), p.groups() * p.op().m());
    convolveInferenceUnchecked(images, p, cols, weights, out, epilogue);
  }

  /** {@link #convolveInference} on arguments it has checked. */
  protected void convolveInferenceUnchecked(
      Tensor images, ConvProduct p, Tensor cols, Tensor weights, Tensor out, Epilogue epilogue) {
    convolve(images, p, cols, weights, out);
    applyEpilogue(out, epilogue);
  }

  /**
   * A convolution's input gradient, {@link #convolve}'s adjoint: for each of {@code p.groups()}
   * groups {@code gemm(p.op(), weights, j·weightStride, dOut, j·outStride, cols, j·colStride)}
   * ({@code p.op()} the input-gradient product; the columns' gradient, overwriting {@code cols}),
   * then {@link #col2im} of {@code cols} into {@code dIn}. Backends may interleave the two per
   * image, so that one image's column gradient is still in cache when it is folded back; the
   * results are the same.
   */
  public final void convolveBackwardInput(
      Tensor dOut, ConvProduct p, Tensor cols, Tensor weights, Tensor dIn) {
    checkConvolutionGradient(dOut, p, cols, weights, dIn);
    convolveBackwardInputUnchecked(dOut, p, cols, weights, dIn);
  }

  /** {@link #convolveBackwardInput} on arguments it has checked. */
  protected void convolveBackwardInputUnchecked(
      Tensor dOut, ConvProduct p, Tensor cols, Tensor weights, Tensor dIn) {
    for (int j = 0; j < p.groups(); j++) {
      gemm(
          p.op(),
          weights,
          j * p.weightStride(),
          dOut,
          j * p.outStride(),
          cols,
          j * p.colStride(),
          null);
    }
    col2im(cols, p.window(), dIn);
  }

  /**
   * Max over each window, channel by channel: {@code out} is {@code n × C × outH × outW}; {@code
   * switches[j]} records the input index (within the image) that won output {@code j}: the first
   * maximum in row order, so ties route the gradient to one input. Padding cells never win.
   */
  public final void maxPoolForward(Tensor in, Window2d window, Tensor out, IntTensor switches) {
    checkMaxPool(in, window, out, switches);
    maxPoolForwardUnchecked(in, window, out, switches);
  }

  /** {@link #maxPoolForward} on arguments it has checked. */
  protected void maxPoolForwardUnchecked(
      Tensor in, Window2d window, Tensor out, IntTensor switches) {
    HostRoundTrip.run(
        this, h -> h.host().maxPoolForward(h.in(in), window, h.out(out), h.out(switches)));
  }

  /**
   * The values of {@link #maxPoolForward} for inference, where nothing reads the switches: a
   * backend may leave {@code switches} (scratch of the same size) unwritten. The default records
   * them.
   */
  public final void maxPoolValues(Tensor in, Window2d window, Tensor out, IntTensor switches) {
    checkMaxPool(in, window, out, switches);
    maxPoolValuesUnchecked(in, window, out, switches);
  }

  /** {@link #maxPoolValues} on arguments it has checked. */
  protected void maxPoolValuesUnchecked(
      Tensor in, Window2d window, Tensor out, IntTensor switches) {
    maxPoolForward(in, window, out, switches);
  }

  /** Routes each output gradient to the input its switch names; {@code dIn} is overwritten. */
  public final void maxPoolBackward(Tensor dOut, IntTensor switches, Window2d window, Tensor dIn) {
    checkMaxPoolGradient(dOut, switches, window, dIn);
    maxPoolBackwardUnchecked(dOut, switches, window, dIn);
  }

  /** {@link #maxPoolBackward} on arguments it has checked. */
  protected void maxPoolBackwardUnchecked(
      Tensor dOut, IntTensor switches, Window2d window, Tensor dIn) {
    HostRoundTrip.run(
        this, h -> h.host().maxPoolBackward(h.in(dOut), h.in(switches), window, h.out(dIn)));
  }

  // --- optional: channel ops, loss -----------------------------------------------------------

  /** {@code t[n][c][·] += bias[c]}; {@code bias} has {@code C} values. */
  public final void addChannelBias(Tensor t, Tensor bias) {
    requireChannels("bias", bias, t.shape().c());
    addChannelBiasUnchecked(t, bias);
  }

  /** {@link #addChannelBias} on arguments it has checked. */
  protected void addChannelBiasUnchecked(Tensor t, Tensor bias) {
    Shape s = t.shape();
    if (s.n() == 0 || s.c() == 0 || s.plane() == 0) {
      return;
    }
    // t[i] (C × HW) += bias (C × 1) · ones (1 × HW), for every image i.
    try (Tensor ones = allocate(Shape.image(1, 1, s.plane()))) {
      fill(ones, 1f);
      GemmOp op =
          GemmOp.of(false, false, s.c(), s.plane(), 1, 1f, 1f).batched(s.n(), 0, 0, s.perImage());
      gemm(op, bias, 0, ones, 0, t, 0, null);
    }
  }

  /**
   * {@code t}'s bias, normalisation and activation in place, as {@link Epilogue} says: the values
   * of {@link #addChannelBias}, {@link #batchNormForward} and {@link #activation} in turn, which is
   * what the default does; backends fuse them into one pass.
   */
  public final void applyEpilogue(Tensor t, Epilogue epilogue) {
    if (epilogue.bias() != null) {
      requireChannels("bias", epilogue.bias(), t.shape().c());
    }
    checkNorm(epilogue.norm(), t.shape().c());
    applyEpilogueUnchecked(t, epilogue);
  }

  /** {@link #applyEpilogue} on arguments it has checked. */
  protected void applyEpilogueUnchecked(Tensor t, Epilogue epilogue) {
    if (epilogue.bias() != null) {
      addChannelBias(t, epilogue.bias());
    }
    Normalisation norm = epilogue.norm();
    if (norm != null) {
      batchNormForward(t, norm.mean(), norm.variance(), norm.eps(), norm.gamma(), norm.beta(), t);
    }
    if (epilogue.activation() != null) {
      activation(epilogue.activation(), epilogue.alpha(), t, t);
    }
  }

  /** {@code dBias[c] += Σ_{n,h,w} dOut[n][c][h][w]}. */
  public final void accumulateChannelBiasGrad(Tensor dOut, Tensor dBias) {
    requireChannels("bias gradient", dBias, dOut.shape().c());
    accumulateChannelBiasGradUnchecked(dOut, dBias);
  }

  /** {@link #accumulateChannelBiasGrad} on arguments it has checked. */
  protected void accumulateChannelBiasGradUnchecked(Tensor dOut, Tensor dBias) {
    Shape s = dOut.shape();
    if (s.c() == 0 || s.plane() == 0) {
      return;
    }
    // dBias (C × 1) += dOut[i] (C × HW) · ones (HW × 1), image by image.
    try (Tensor ones = allocate(Shape.image(1, 1, s.plane()))) {
      fill(ones, 1f);
      GemmOp op = GemmOp.of(false, false, s.c(), 1, s.plane(), 1f, 1f);
      for (int i = 0; i < s.n(); i++) {
        gemm(op, dOut, i * s.perImage(), ones, 0, dBias, 0, null);
      }
    }
  }

  /** Row-wise softmax over the {@code C·H·W} values of each image: {@code p = e^{x−max}/Σ}. */
  public final void softmax(Tensor logits, Tensor probs) {
    requireSameSize("softmax", logits, probs);
    softmaxUnchecked(logits, probs);
  }

  /** {@link #softmax} on arguments it has checked. */
  protected void softmaxUnchecked(Tensor logits, Tensor probs) {
    HostRoundTrip.run(this, h -> h.host().softmax(h.in(logits), h.out(probs)));
  }

  /** {@code Σ_i −ln p[i][label_i]} over the batch of {@code probs}, clamped away from ln 0. */
  public final double crossEntropySum(Tensor probs, IntTensor labels) {
    checkLabelCount(probs, labels);
    return crossEntropySumUnchecked(probs, labels);
  }

  /** {@link #crossEntropySum} on arguments it has checked. */
  protected double crossEntropySumUnchecked(Tensor probs, IntTensor labels) {
    double[] sum = new double[1];
    HostRoundTrip.run(this, h -> sum[0] = h.host().crossEntropySum(h.in(probs), h.in(labels)));
    return sum[0];
  }

  /** {@code dLogits[i][j] = scale · (p[i][j] − [j = label_i])}, the gradient of scaled CE. */
  public final void softmaxCrossEntropyBackward(
      Tensor probs, IntTensor labels, float scale, Tensor dLogits) {
    requireSameSize("softmax cross-entropy backward", probs, dLogits);
    checkLabelCount(probs, labels);
    softmaxCrossEntropyBackwardUnchecked(probs, labels, scale, dLogits);
  }

  /** {@link #softmaxCrossEntropyBackward} on arguments it has checked. */
  protected void softmaxCrossEntropyBackwardUnchecked(
      Tensor probs, IntTensor labels, float scale, Tensor dLogits) {
    HostRoundTrip.run(
        this,
        h ->
            h.host().softmaxCrossEntropyBackward(h.in(probs), h.in(labels), scale, h.out(dLogits)));
  }

  // --- optional: layer-shaped ops ------------------------------------------------------------

  /**
   * The backward of {@link #softmax}: {@code dLogits[i][j] = p[i][j]·(dProbs[i][j] − Σ_k
   * p[i][k]·dProbs[i][k])} per image (overwritten).
   */
  public final void softmaxBackward(Tensor probs, Tensor dProbs, Tensor dLogits) {
    requireSameSize("softmax backward", probs, dProbs);
    requireSameSize("softmax backward", probs, dLogits);
    softmaxBackwardUnchecked(probs, dProbs, dLogits);
  }

  /** {@link #softmaxBackward} on arguments it has checked. */
  protected void softmaxBackwardUnchecked(Tensor probs, Tensor dProbs, Tensor dLogits) {
    HostRoundTrip.run(
        this, h -> h.host().softmaxBackward(h.in(probs), h.in(dProbs), h.out(dLogits)));
  }

  /**
   * For every image, copies channels {@code [srcChannel, srcChannel + channels)} of {@code src}
   * into channels {@code [dstChannel, dstChannel + channels)} of {@code dst}; both have the same
   * batch and plane size {@code H·W} (the channel concatenation of Inception and its backward).
   */
  public final void copyChannels(
      Tensor src, int srcChannel, Tensor dst, int dstChannel, int channels) {
    checkChannelCopy(src, srcChannel, dst, dstChannel, channels);
    copyChannelsUnchecked(src, srcChannel, dst, dstChannel, channels);
  }

  /** {@link #copyChannels} on arguments it has checked. */
  protected void copyChannelsUnchecked(
      Tensor src, int srcChannel, Tensor dst, int dstChannel, int channels) {
    HostRoundTrip.run(
        this, h -> h.host().copyChannels(h.in(src), srcChannel, h.out(dst), dstChannel, channels));
  }

  /** Average or L2-norm pooling over each window, channel by channel; see {@link PoolKind}. */
  public final void poolForward(PoolKind kind, Tensor in, Window2d window, Tensor out) {
    requireImages(kind + " pool input", in, window.inPerImage());
    requireImages(kind + " pool output", out, window.outPerImage());
    poolForwardUnchecked(kind, in, window, out);
  }

  /** {@link #poolForward} on arguments it has checked. */
  protected void poolForwardUnchecked(PoolKind kind, Tensor in, Window2d window, Tensor out) {
    HostRoundTrip.run(this, h -> h.host().poolForward(kind, h.in(in), window, h.out(out)));
  }

  /**
   * The backward of {@link #poolForward}: {@code dIn} (overwritten) from {@code dOut}, given the
   * forward input and output.
   */
  public final void poolBackward(
      PoolKind kind, Tensor in, Tensor out, Tensor dOut, Window2d window, Tensor dIn) {
    requireImages(kind + " pool input", in, window.inPerImage());
    requireImages(kind + " pool output", out, window.outPerImage());
    requireImages(kind + " pool gradient", dOut, window.outPerImage());
    requireImages(kind + " pool input gradient", dIn, window.inPerImage());
    poolBackwardUnchecked(kind, in, out, dOut, window, dIn);
  }

  /** {@link #poolBackward} on arguments it has checked. */
  protected void poolBackwardUnchecked(
      PoolKind kind, Tensor in, Tensor out, Tensor dOut, Window2d window, Tensor dIn) {
    HostRoundTrip.run(
        this,
        h -> h.host().poolBackward(kind, h.in(in), h.in(out), h.in(dOut), window, h.out(dIn)));
  }

  /**
   * Cross-channel local response normalisation (formula in {@link Lrn}); {@code scale} receives
   * {@code s} for the backward pass (same size as {@code in}).
   */
  public final void lrnForward(Tensor in, Lrn lrn, Tensor out, Tensor scale) {
    requireSameSize("lrn", in, out);
    requireSameSize("lrn scale", in, scale);
    lrnForwardUnchecked(in, lrn, out, scale);
  }

  /** {@link #lrnForward} on arguments it has checked. */
  protected void lrnForwardUnchecked(Tensor in, Lrn lrn, Tensor out, Tensor scale) {
    HostRoundTrip.run(this, h -> h.host().lrnForward(h.in(in), lrn, h.out(out), h.out(scale)));
  }

  /**
   * {@link #lrnForward} for inference, where nothing reads the scale: a backend may leave {@code
   * scale} (scratch of the same size) unwritten. The default writes it.
   */
  public final void lrnValues(Tensor in, Lrn lrn, Tensor out, Tensor scale) {
    requireSameSize("lrn", in, out);
    requireSameSize("lrn scale", in, scale);
    lrnValuesUnchecked(in, lrn, out, scale);
  }

  /** {@link #lrnValues} on arguments it has checked. */
  protected void lrnValuesUnchecked(Tensor in, Lrn lrn, Tensor out, Tensor scale) {
    lrnForward(in, lrn, out, scale);
  }

  /** {@code dIn} (overwritten) of {@link #lrnForward} from its input, output and scale. */
  public final void lrnBackward(
      Tensor in, Tensor out, Tensor scale, Tensor dOut, Lrn lrn, Tensor dIn) {
    requireSameSize("lrn backward", in, out);
    requireSameSize("lrn backward", in, scale);
    requireSameSize("lrn backward", in, dOut);
    requireSameSize("lrn backward", in, dIn);
    lrnBackwardUnchecked(in, out, scale, dOut, lrn, dIn);
  }

  /** {@link #lrnBackward} on arguments it has checked. */
  protected void lrnBackwardUnchecked(
      Tensor in, Tensor out, Tensor scale, Tensor dOut, Lrn lrn, Tensor dIn) {
    HostRoundTrip.run(
        this,
        h -> h.host().lrnBackward(h.in(in), h.in(out), h.in(scale), h.in(dOut), lrn, h.out(dIn)));
  }

  /**
   * Per channel over the batch and positions ({@code m = N·H·W} values): {@code mean[c] = Σ x / m},
   * {@code variance[c] = Σ (x − mean)² / m} (biased), both overwritten.
   */
  public final void channelMeanVariance(Tensor in, Tensor mean, Tensor variance) {
    requireChannels("channel mean", mean, in.shape().c());
    requireChannels("channel variance", variance, in.shape().c());
    if (in.shape().n() == 0) {
      throw new IllegalArgumentException(
          "channel mean and variance of an empty batch " + in.shape());
    }
    channelMeanVarianceUnchecked(in, mean, variance);
  }

  /** {@link #channelMeanVariance} on arguments it has checked. */
  protected void channelMeanVarianceUnchecked(Tensor in, Tensor mean, Tensor variance) {
    HostRoundTrip.run(
        this, h -> h.host().channelMeanVariance(h.in(in), h.out(mean), h.out(variance)));
  }

  /**
   * Batch normalisation with given statistics: {@code out = gamma[c]·(x − mean[c]) /
   * sqrt(variance[c] + eps) + beta[c]}.
   */
  public final void batchNormForward(
      Tensor in, Tensor mean, Tensor variance, float eps, Tensor gamma, Tensor beta, Tensor out) {
    requireSameSize("batch norm", in, out);
    for (Tensor t : new Tensor[] {mean, variance, gamma, beta}) {
      requireChannels("batch norm", t, in.shape().c());
    }
    batchNormForwardUnchecked(in, mean, variance, eps, gamma, beta, out);
  }

  /** {@link #batchNormForward} on arguments it has checked. */
  protected void batchNormForwardUnchecked(
      Tensor in, Tensor mean, Tensor variance, float eps, Tensor gamma, Tensor beta, Tensor out) {
    HostRoundTrip.run(
        this,
        h ->
            h.host()
                .batchNormForward(
                    h.in(in),
                    h.in(mean),
                    h.in(variance),
                    eps,
                    h.in(gamma),
                    h.in(beta),
                    h.out(out)));
  }

  /**
   * The backward of {@link #batchNormForward}, with {@code x̂ = (x − mean)/σ}, {@code σ =
   * sqrt(variance + eps)} and {@code m = N·H·W}: {@code dBeta[c] += Σ dy}, {@code dGamma[c] += Σ
   * dy·x̂}, and when {@code dIn} is not null, if the statistics are those of this batch ({@code
   * batchStatistics}) {@code dx = (gamma/σ)·(dy − Σdy/m − x̂·Σ(dy·x̂)/m)}, otherwise {@code dx =
   * (gamma/σ)·dy}.
   */
  public final void batchNormBackward(
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
    requireSameSize("batch norm backward", in, dOut);
    if (dIn != null) {
      requireSameSize("batch norm backward", in, dIn);
    }
    for (Tensor t : new Tensor[] {mean, variance, gamma, dGamma, dBeta}) {
      requireChannels("batch norm backward", t, in.shape().c());
    }
    batchNormBackwardUnchecked(
        in, mean, variance, eps, gamma, batchStatistics, dOut, dIn, dGamma, dBeta);
  }

  /** {@link #batchNormBackward} on arguments it has checked. */
  protected void batchNormBackwardUnchecked(
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
    HostRoundTrip.run(
        this,
        h ->
            h.host()
                .batchNormBackward(
                    h.in(in),
                    h.in(mean),
                    h.in(variance),
                    eps,
                    h.in(gamma),
                    batchStatistics,
                    h.in(dOut),
                    h.out(dIn),
                    h.out(dGamma),
                    h.out(dBeta)));
  }

  // --- optional: optimizer -------------------------------------------------------------------

  /**
   * One Adam step on a parameter: updates the moment estimates {@code m} and {@code v} and the
   * weights {@code param} in place from {@code grad}, per {@link AdamStep}. All four tensors have
   * the same size.
   */
  public final void adamUpdate(Tensor param, Tensor grad, Tensor m, Tensor v, AdamStep step) {
    requireSameSize("adamUpdate gradient", param, grad);
    requireSameSize("adamUpdate first moment", param, m);
    requireSameSize("adamUpdate second moment", param, v);
    adamUpdateUnchecked(param, grad, m, v, step);
  }

  /** {@link #adamUpdate} on arguments it has checked. */
  protected void adamUpdateUnchecked(Tensor param, Tensor grad, Tensor m, Tensor v, AdamStep step) {
    HostRoundTrip.run(
        this, h -> h.host().adamUpdate(h.out(param), h.in(grad), h.out(m), h.out(v), step));
  }
}
