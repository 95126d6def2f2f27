package io.vigil.opencl;

import static org.lwjgl.opencl.CL10.clEnqueueReadBuffer;
import static org.lwjgl.opencl.CL10.clEnqueueWriteBuffer;

import io.vigil.engine.backend.ActivationKind;
import io.vigil.engine.backend.AdamStep;
import io.vigil.engine.backend.Backend;
import io.vigil.engine.backend.ConvProduct;
import io.vigil.engine.backend.Epilogue;
import io.vigil.engine.backend.GemmOp;
import io.vigil.engine.backend.Lrn;
import io.vigil.engine.backend.PoolKind;
import io.vigil.engine.backend.Window2d;
import io.vigil.engine.backend.WinogradUse;
import io.vigil.engine.tensor.IntTensor;
import io.vigil.engine.tensor.Shape;
import io.vigil.engine.tensor.Tensor;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.util.function.Supplier;
import org.lwjgl.PointerBuffer;
import org.lwjgl.system.MemoryStack;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's {@code Backend} on one OpenCL device. Tensors live in device buffers ({@code
 * cl_mem}); {@link #upload}, {@link #download} and the transfer slots ({@link #newTransferSlot})
 * are the only copies between host and device, and every other op enqueues kernels from {@code
 * kernels/*.cl} on one in-order queue, so each op sees the results of the ones before it. Ops that
 * hand a value to the host ({@link #download}, {@link #crossEntropySum}) wait for the queue. A
 * transfer slot copies on a second queue, ordered against the kernels by events ({@link
 * ClTransferSlot}), so that the upload of one batch in flight runs while another computes.
 *
 * <p>Ops are serialised by the backend's lock (kernel arguments are per-kernel state in OpenCL), so
 * several threads may share one backend. A tensor's {@code close} frees its device buffer at once;
 * {@link #close()} frees the context, the programs and every buffer still alive. A buffer dropped
 * without being closed is freed when the garbage collector finds it, and logged as a leak.
 *
 * <p>GEMM needs no workspace from the caller: {@link ClGemm} keeps its own scratch buffers.
 *
 * <p>This class holds the memory, the transfers and the lock; each family of ops is a final class
 * it delegates to under that lock, all launching through one {@link ClLauncher}: {@link ClGemm},
 * {@link ClWindowOps}, {@link ClElementwise}, {@link ClEpilogues}, {@link ClNormalisation} and
 * {@link ClLoss}.
 */
public final class OpenClBackend extends Backend implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(OpenClBackend.class);

  private static final String ELEMENTWISE = "elementwise";

  private final ClContext cl;
  private final ClMemory memory;
  private final ClLauncher ops;
  private final ClGemm gemm;
  private final ClWinograd winograd;
  private final ClWindowOps windows;
  private final ClElementwise elementwise;
  private final ClNormalisation normalisation;
  private final ClEpilogues epilogues;
  private final ClLoss loss;
  private final String name;
  private final ClStaging staging = new ClStaging();

  /** Transfer slots not yet closed: the backend closes them first. */
  private final ClTransferSlots slots = new ClTransferSlots();

  private boolean closed;

  private OpenClBackend(OpenClDevice device, ProgramBinaryCache binaries, TuningTable tuning) {
    this.cl = new ClContext(device, tuning, binaries);
    this.memory = new ClMemory(cl);
    this.ops = new ClLauncher(this);
    this.gemm = new ClGemm(ops, memory);
    this.winograd = new ClWinograd(this, ops, memory, gemm);
    this.windows = new ClWindowOps(ops);
    this.elementwise = new ClElementwise(ops);
    this.normalisation = new ClNormalisation(ops);
    this.epilogues = new ClEpilogues(ops, normalisation);
    this.loss = new ClLoss(ops, memory, staging);
    this.name = "opencl(" + device.name() + ")";
    LOG.info("OpenCL backend on device {}; tuning {}", device.describe(), cl.tuning());
  }

  /**
   * A backend on the device {@code deviceSpec} names ({@link OpenClDevices#choose}: empty for the
   * default, an index, or part of a device name).
   *
   * @throws ClException when OpenCL or the device is missing (with the reason and the device list)
   */
  public static OpenClBackend create(String deviceSpec) {
    return on(OpenClDevices.choose(deviceSpec));
  }

  /** A backend on a device from {@link OpenClDevices#list()}. */
  public static OpenClBackend on(OpenClDevice device) {
    return new OpenClBackend(device, ProgramBinaryCache.standard(), TuningTable.load());
  }

  /** As {@link #on(OpenClDevice)}, with program binaries cached in {@code binaries}. */
  static OpenClBackend on(OpenClDevice device, ProgramBinaryCache binaries) {
    return new OpenClBackend(device, binaries, TuningTable.load());
  }

  /** As {@link #on(OpenClDevice)}, with the given tuning table (the tuner's candidates). */
  static OpenClBackend on(OpenClDevice device, TuningTable tuning) {
    return new OpenClBackend(device, ProgramBinaryCache.standard(), tuning);
  }

  /** The device context; refused once the backend is closed. */
  ClContext cl() {
    if (closed) {
      throw new IllegalStateException(name + " is closed");
    }
    return cl;
  }

  /** The device this backend runs on. */
  public OpenClDevice device() {
    return cl.device();
  }

  @Override
  public String name() {
    return name;
  }

  // --- memory ------------------------------------------------------------------------------

  @Override
  public synchronized void checkFits(Supplier<String> what, long bytes, long largestBuffer) {
    cl();
    memory.checkFits(what, bytes, largestBuffer);
  }

  @Override
  public synchronized Tensor allocate(Shape shape) {
    cl();
    ClBuffer b = memory.allocateTensor(shape.size(), "tensor " + shape);
    Tensor t = new Tensor(this, shape, b, 0);
    fillBuffer(b, Math.max(1, shape.size()), 0f);
    return t;
  }

  @Override
  public synchronized IntTensor allocateInts(int length) {
    cl();
    ClBuffer b = memory.allocateTensor(length, "int tensor of " + length);
    // 0.0f is all zero bits, so the float fill zeroes ints too.
    fillBuffer(b, Math.max(1, length), 0f);
    return new IntTensor(this, length, b);
  }

  private void fillBuffer(ClBuffer b, int count, float value) {
    ops.launch(ELEMENTWISE, "fill").mem(b).i(0).i(count).f(value).run1d(count);
  }

  /** The staging area with room for {@code bytes}, once no upload reads it any more. */
  private ByteBuffer staging(long bytes) {
    return staging.acquire(bytes);
  }

  @Override
  protected synchronized void uploadUnchecked(
      float[] src, int srcOffset, Tensor dst, int dstOffset, int length) {
    if (length == 0) {
      return;
    }
    dst.changed();
    ClBuffer b = ops.buffer(dst);
    FloatBuffer data = staging(4L * length).asFloatBuffer();
    data.put(src, srcOffset, length).flip();
    // Not blocking: src is already copied, and the in-order queue orders the write before every
    // later command; the staging area stays untouched until the write has read it (ClStaging).
    try (MemoryStack stack = MemoryStack.stackPush()) {
      PointerBuffer event = stack.mallocPointer(1);
      ClErrors.check(
          clEnqueueWriteBuffer(
              cl().queue(), b.mem(), false, 4L * (dst.offset() + dstOffset), data, null, event),
          "clEnqueueWriteBuffer");
      staging.writing(event.get(0));
    }
  }

  @Override
  protected synchronized void downloadUnchecked(
      Tensor src, int srcOffset, float[] dst, int dstOffset, int length) {
    if (length == 0) {
      return;
    }
    ClBuffer b = ops.buffer(src);
    FloatBuffer data = staging(4L * length).asFloatBuffer();
    data.limit(length);
    ClErrors.check(
        clEnqueueReadBuffer(
            cl().queue(), b.mem(), true, 4L * (src.offset() + srcOffset), data, null, null),
        "clEnqueueReadBuffer");
    data.get(dst, dstOffset, length);
  }

  @Override
  protected synchronized void uploadIntsUnchecked(
      int[] src, int srcOffset, IntTensor dst, int length) {
    ClBuffer b = ops.ints(dst);
    if (length == 0) {
      return;
    }
    IntBuffer data = staging(4L * length).asIntBuffer();
    data.put(src, srcOffset, length).flip();
    ClErrors.check(
        clEnqueueWriteBuffer(cl().queue(), b.mem(), true, 0, data, null, null),
        "clEnqueueWriteBuffer");
    // Labels are checked on the host against this copy, without reading the device back.
    int[] mirror = b.hostInts == null ? new int[dst.length()] : b.hostInts;
    System.arraycopy(src, srcOffset, mirror, 0, length);
    b.hostInts = mirror;
  }

  @Override
  protected synchronized void downloadIntsUnchecked(
      IntTensor src, int[] dst, int dstOffset, int length) {
    ClBuffer b = ops.ints(src);
    if (length == 0) {
      return;
    }
    IntBuffer data = staging(4L * length).asIntBuffer();
    data.limit(length);
    ClErrors.check(
        clEnqueueReadBuffer(cl().queue(), b.mem(), true, 0, data, null, null),
        "clEnqueueReadBuffer");
    data.get(dst, dstOffset, length);
  }

  @Override
  protected synchronized void copyUnchecked(Tensor src, Tensor dst) {
    ops.tensor(ops.tensor(ops.launch(ELEMENTWISE, "copy"), src), dst)
        .i(src.size())
        .run1d(src.size());
    dst.changed();
  }

  @Override
  public synchronized void fill(Tensor t, float value) {
    ops.tensor(ops.launch(ELEMENTWISE, "fill"), t).i(t.size()).f(value).run1d(t.size());
    t.changed();
  }

  // --- batches in flight --------------------------------------------------------------------

  /** True unless the device is the host's own CPU (PoCL): a GPU computes beside the host. */
  @Override
  public boolean computesBesideHost() {
    return !"CPU".equals(cl.device().type());
  }

  /** A slot with pinned host staging that copies on the transfer queue ({@link ClTransferSlot}). */
  @Override
  public synchronized TransferSlot newTransferSlot(int inputFloats, int outputFloats) {
    cl();
    ClTransferSlot slot = new ClTransferSlot(this, memory, inputFloats, outputFloats);
    slots.add(slot);
    return slot;
  }

  /** A slot's close: the backend no longer closes it. */
  synchronized void forget(ClTransferSlot slot) {
    slots.remove(slot);
  }

  synchronized boolean isClosed() {
    return closed;
  }

  // --- linear algebra ----------------------------------------------------------------------

  @Override
  public int gemmWorkspaceSize(GemmOp op) {
    return 0;
  }

  @Override
  protected synchronized void gemmUnchecked(
      GemmOp op, Tensor a, int aOffset, Tensor b, int bOffset, Tensor c, int cOffset, Tensor ws) {
    gemm.run(op, a, aOffset, b, bOffset, c, cOffset);
  }

  @Override
  protected synchronized void axpyUnchecked(float a, Tensor x, Tensor y) {
    ops.tensor(ops.tensor(ops.launch(ELEMENTWISE, "axpy").f(a), x), y).i(x.size()).run1d(x.size());
    y.changed();
  }

  @Override
  public synchronized void scale(Tensor x, float a) {
    ops.tensor(ops.launch(ELEMENTWISE, "scale"), x).i(x.size()).f(a).run1d(x.size());
    x.changed();
  }

  @Override
  protected synchronized void adamUpdateUnchecked(
      Tensor param, Tensor grad, Tensor m, Tensor v, AdamStep s) {
    ops.tensor(
            ops.tensor(ops.tensor(ops.tensor(ops.launch(ELEMENTWISE, "adam"), param), grad), m), v)
        .i(param.size())
        .f(s.learningRate())
        .f(s.beta1())
        .f(s.beta2())
        .f(s.epsilon())
        .f(s.weightDecay())
        .f(s.correction1())
        .f(s.correction2())
        .run1d(param.size());
    param.changed();
  }

  // --- convolution and pooling -------------------------------------------------------------

  /** The device buffer behind a tensor of this backend (for the transfer slots). */
  ClBuffer buffer(Tensor t) {
    return ops.buffer(t);
  }

  // --- convolution and pooling -------------------------------------------------------------

  /**
   * By Winograd's F(2×2, 3×3) with the filters kept on the device where {@link ClWinograd#suits};
   * else one launch of {@code conv_direct.cl} (product, bias and activation) where {@link
   * ClDirectConv#suits}; otherwise im2col, GEMM per group and one epilogue launch.
   */
  @Override
  protected synchronized void convolveInferenceUnchecked(
      Tensor images, ConvProduct p, Tensor cols, Tensor weights, Tensor out, Epilogue epilogue) {
    int n = images.shape().n();
    if (n > 0 && winograd.suits(p, n)) {
      winograd.run(images, p, weights, out, epilogue, n);
      return;
    }
    if (!ClDirectConv.suits(p, n, cl().tuning("CONV_VW"))) {
      super.convolveInferenceUnchecked(images, p, cols, weights, out, epilogue);
      return;
    }
    Window2d window = p.window();
    int groups = p.groups();
    int filters = groups * p.op().m();
    if (n > 0 && epilogue.norm() == null) {
      ClDirectConv.run(ops, images, window, groups, filters, weights, out, epilogue, n);
    } else if (n > 0) {
      ClDirectConv.run(
          ops, images, window, groups, filters, weights, out, Epilogue.bias(epilogue.bias()), n);
      applyEpilogue(out, epilogue.withoutBias());
    }
  }

  /**
   * The Winograd path as the backend's own but taken under {@code use}, in ranges of {@code
   * rangeFloats}: for tests of windows and ranges that {@code auto} leaves to other paths.
   */
  ClWinograd winograd(WinogradUse use, int rangeFloats) {
    return new ClWinograd(this, ops, memory, gemm, use, rangeFloats);
  }

  /** Whether the inference convolution takes the Winograd path for this product. */
  synchronized boolean takesWinograd(ConvProduct p, int n) {
    return winograd.suits(p, n);
  }

  @Override
  protected synchronized void im2colUnchecked(Tensor images, Window2d window, Tensor cols) {
    windows.im2col(images, window, cols);
  }

  @Override
  protected synchronized void col2imUnchecked(Tensor cols, Window2d window, Tensor images) {
    windows.col2im(cols, window, images);
  }

  @Override
  protected synchronized void maxPoolForwardUnchecked(
      Tensor in, Window2d window, Tensor out, IntTensor switches) {
    windows.maxPoolForward(in, window, out, switches);
  }

  @Override
  protected synchronized void maxPoolValuesUnchecked(
      Tensor in, Window2d window, Tensor out, IntTensor switches) {
    windows.maxPoolValues(in, window, out, switches);
  }

  @Override
  protected synchronized void maxPoolBackwardUnchecked(
      Tensor dOut, IntTensor switches, Window2d window, Tensor dIn) {
    windows.maxPoolBackward(dOut, switches, window, dIn);
  }

  @Override
  protected synchronized void poolForwardUnchecked(
      PoolKind kind, Tensor in, Window2d window, Tensor out) {
    windows.poolForward(kind, in, window, out);
  }

  @Override
  protected synchronized void poolBackwardUnchecked(
      PoolKind kind, Tensor in, Tensor out, Tensor dOut, Window2d window, Tensor dIn) {
    windows.poolBackward(kind, in, out, dOut, window, dIn);
  }

  // --- elementwise, epilogues and loss -----------------------------------------------------

  @Override
  protected synchronized void addChannelBiasUnchecked(Tensor t, Tensor bias) {
    epilogues.addChannelBias(t, bias);
  }

  @Override
  protected synchronized void applyEpilogueUnchecked(Tensor t, Epilogue epilogue) {
    epilogues.applyEpilogue(t, epilogue);
  }

  @Override
  protected synchronized void accumulateChannelBiasGradUnchecked(Tensor dOut, Tensor dBias) {
    epilogues.accumulateChannelBiasGrad(dOut, dBias);
  }

  @Override
  protected synchronized void activationUnchecked(
      ActivationKind kind, float alpha, Tensor in, Tensor out) {
    elementwise.activation(kind, alpha, in, out);
  }

  @Override
  protected synchronized void activationBackwardUnchecked(
      ActivationKind kind, float alpha, Tensor in, Tensor out, Tensor dOut, Tensor dIn) {
    elementwise.activationBackward(kind, alpha, in, out, dOut, dIn);
  }

  @Override
  protected synchronized void softmaxUnchecked(Tensor logits, Tensor probs) {
    elementwise.softmax(logits, probs);
  }

  @Override
  protected synchronized void softmaxBackwardUnchecked(
      Tensor probs, Tensor dProbs, Tensor dLogits) {
    elementwise.softmaxBackward(probs, dProbs, dLogits);
  }

  @Override
  protected synchronized void multiplyUnchecked(Tensor a, Tensor b, Tensor out) {
    elementwise.multiply(a, b, out);
  }

  @Override
  protected synchronized void copyChannelsUnchecked(
      Tensor src, int srcChannel, Tensor dst, int dstChannel, int channels) {
    elementwise.copyChannels(src, srcChannel, dst, dstChannel, channels);
  }

  @Override
  protected synchronized double crossEntropySumUnchecked(Tensor probs, IntTensor labels) {
    return loss.crossEntropySum(probs, labels);
  }

  @Override
  protected synchronized void softmaxCrossEntropyBackwardUnchecked(
      Tensor probs, IntTensor labels, float scale, Tensor dLogits) {
    loss.softmaxCrossEntropyBackward(probs, labels, scale, dLogits);
  }

  // --- normalisation -----------------------------------------------------------------------

  @Override
  protected synchronized void lrnForwardUnchecked(Tensor in, Lrn lrn, Tensor out, Tensor scale) {
    normalisation.lrnForward(in, lrn, out, scale, true);
  }

  @Override
  protected synchronized void lrnValuesUnchecked(Tensor in, Lrn lrn, Tensor out, Tensor scale) {
    normalisation.lrnForward(in, lrn, out, scale, false);
  }

  @Override
  protected synchronized void lrnBackwardUnchecked(
      Tensor in, Tensor out, Tensor scale, Tensor dOut, Lrn lrn, Tensor dIn) {
    normalisation.lrnBackward(in, out, scale, dOut, lrn, dIn);
  }

  @Override
  protected synchronized void channelMeanVarianceUnchecked(
      Tensor in, Tensor mean, Tensor variance) {
    normalisation.channelMeanVariance(in, mean, variance);
  }

  @Override
  protected synchronized void batchNormForwardUnchecked(
      Tensor in, Tensor mean, Tensor variance, float eps, Tensor gamma, Tensor beta, Tensor out) {
    normalisation.batchNormForward(in, mean, variance, eps, gamma, beta, out);
  }

  @Override
  protected synchronized void batchNormBackwardUnchecked(
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
    normalisation.batchNormBackward(
        in, mean, variance, eps, gamma, batchStatistics, dOut, dIn, dGamma, dBeta);
  }

  // --- lifecycle ---------------------------------------------------------------------------

  /** Bytes of device memory held by this backend's live buffers, its own scratch included. */
  public long liveBytes() {
    return memory.liveBytes();
  }

  /**
   * Bytes of device memory held by tensors ({@link #allocate}, {@link #allocateInts}) not yet
   * closed: what their owners have to give back. {@link #liveBytes} less the scratch the backend
   * keeps for itself (GEMM panels, loss rows).
   */
  public long tensorBytes() {
    return memory.tensorBytes();
  }

  /**
   * Device buffers the garbage collector found before their owner closed them (each one logged by
   * the leak net); zero when every owner closes what it owns.
   */
  public long leakedBuffers() {
    return memory.leakedBuffers();
  }

  /**
   * Waits for every enqueued kernel and transfer; ops already do where their result goes to the
   * host.
   */
  public synchronized void finish() {
    cl().finish();
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    try {
      try {
        // Slots first: they wait for their batches and unmap their staging while the queues live.
        slots.closeAll();
      } finally {
        cl.finish();
        memory.close();
      }
    } finally {
      closed = true;
      try {
        staging.close();
      } finally {
        cl.close();
      }
    }
  }
}
