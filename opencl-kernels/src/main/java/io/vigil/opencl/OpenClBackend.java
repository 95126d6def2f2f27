package io.vigil.opencl;

import static io.vigil.engine.backend.BackendChecks.checkArray;
import static io.vigil.engine.backend.BackendChecks.checkLabel;
import static io.vigil.engine.backend.BackendChecks.checkRange;
import static io.vigil.engine.backend.BackendChecks.checkSpan;
import static io.vigil.engine.backend.BackendChecks.requireImages;
import static io.vigil.engine.backend.BackendChecks.requireSameSize;
import static org.lwjgl.opencl.CL10.clEnqueueReadBuffer;
import static org.lwjgl.opencl.CL10.clEnqueueWriteBuffer;

import io.vigil.engine.backend.AdamStep;
import io.vigil.engine.backend.GemmOp;
import io.vigil.engine.backend.Window2d;
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
 * several threads may share one backend. {@link #close()} frees the context, the programs and every
 * buffer still alive; buffers dropped earlier are freed when the garbage collector finds them.
 *
 * <p>GEMM needs no workspace from the caller: {@link ClGemm} keeps its own scratch buffers.
 */
public final class OpenClBackend extends ClLayerOps implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(OpenClBackend.class);

  private static final String ELEMENTWISE = "elementwise";

  private final ClContext cl;
  private final ClMemory memory;
  private final ClGemm gemm;
  private final String name;
  private final ClStaging staging = new ClStaging();
  private ClBuffer lossRows;

  /** Transfer slots not yet closed: the backend closes them first. */
  private final ClTransferSlots slots = new ClTransferSlots();

  private boolean closed;

  private OpenClBackend(OpenClDevice device, ProgramBinaryCache binaries, TuningTable tuning) {
    this.cl = new ClContext(device, tuning, binaries);
    this.memory = new ClMemory(cl);
    this.gemm = new ClGemm(this, memory);
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

  @Override
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
    ClBuffer b = memory.allocate(shape.size());
    Tensor t = new Tensor(this, shape, b, 0);
    fillBuffer(b, Math.max(1, shape.size()), 0f);
    return t;
  }

  @Override
  public synchronized IntTensor allocateInts(int length) {
    cl();
    ClBuffer b = memory.allocate(length);
    // 0.0f is all zero bits, so the float fill zeroes ints too.
    fillBuffer(b, Math.max(1, length), 0f);
    return new IntTensor(this, length, b);
  }

  private void fillBuffer(ClBuffer b, int count, float value) {
    launch(ELEMENTWISE, "fill").mem(b).i(0).i(count).f(value).run1d(count);
  }

  /** The staging area with room for {@code bytes}, once no upload reads it any more. */
  private ByteBuffer staging(long bytes) {
    return staging.acquire(bytes);
  }

  @Override
  public synchronized void upload(
      float[] src, int srcOffset, Tensor dst, int dstOffset, int length) {
    checkRange("upload destination", dst, dstOffset, length);
    checkArray("upload source", src.length, srcOffset, length);
    if (length == 0) {
      return;
    }
    dst.changed();
    ClBuffer b = buffer(dst);
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
  public synchronized void download(
      Tensor src, int srcOffset, float[] dst, int dstOffset, int length) {
    checkRange("download source", src, srcOffset, length);
    checkArray("download destination", dst.length, dstOffset, length);
    if (length == 0) {
      return;
    }
    ClBuffer b = buffer(src);
    FloatBuffer data = staging(4L * length).asFloatBuffer();
    data.limit(length);
    ClErrors.check(
        clEnqueueReadBuffer(
            cl().queue(), b.mem(), true, 4L * (src.offset() + srcOffset), data, null, null),
        "clEnqueueReadBuffer");
    data.get(dst, dstOffset, length);
  }

  @Override
  public synchronized void uploadInts(int[] src, int srcOffset, IntTensor dst, int length) {
    ClBuffer b = ints(dst);
    checkArray("upload ints source", src.length, srcOffset, length);
    if (length > dst.length()) {
      throw new IllegalArgumentException(
          "upload ints: " + length + " values into an int tensor of " + dst.length());
    }
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
  public synchronized void copy(Tensor src, Tensor dst) {
    requireSameSize("copy", src, dst);
    tensor(tensor(launch(ELEMENTWISE, "copy"), src), dst).i(src.size()).run1d(src.size());
    dst.changed();
  }

  @Override
  public synchronized void fill(Tensor t, float value) {
    tensor(launch(ELEMENTWISE, "fill"), t).i(t.size()).f(value).run1d(t.size());
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
  public synchronized void gemm(
      GemmOp op, Tensor a, int aOffset, Tensor b, int bOffset, Tensor c, int cOffset, Tensor ws) {
    int last = op.batch() - 1;
    int spanA = op.transA() ? (op.k() - 1) * op.lda() + op.m() : (op.m() - 1) * op.lda() + op.k();
    int spanB = op.transB() ? (op.n() - 1) * op.ldb() + op.k() : (op.k() - 1) * op.ldb() + op.n();
    int spanC = (op.m() - 1) * op.ldc() + op.n();
    checkSpan("gemm A", a, aOffset, (long) last * op.strideA() + spanA);
    checkSpan("gemm B", b, bOffset, (long) last * op.strideB() + spanB);
    checkSpan("gemm C", c, cOffset, (long) last * op.strideC() + spanC);
    gemm.run(op, a, aOffset, b, bOffset, c, cOffset);
  }

  @Override
  public synchronized void axpy(float a, Tensor x, Tensor y) {
    requireSameSize("axpy", x, y);
    tensor(tensor(launch(ELEMENTWISE, "axpy").f(a), x), y).i(x.size()).run1d(x.size());
    y.changed();
  }

  @Override
  public synchronized void scale(Tensor x, float a) {
    tensor(launch(ELEMENTWISE, "scale"), x).i(x.size()).f(a).run1d(x.size());
    x.changed();
  }

  @Override
  public synchronized void adamUpdate(Tensor param, Tensor grad, Tensor m, Tensor v, AdamStep s) {
    requireSameSize("adamUpdate gradient", param, grad);
    requireSameSize("adamUpdate first moment", param, m);
    requireSameSize("adamUpdate second moment", param, v);
    tensor(tensor(tensor(tensor(launch(ELEMENTWISE, "adam"), param), grad), m), v)
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

  @Override
  public synchronized void im2col(Tensor images, Window2d w, Tensor cols) {
    int n = images.shape().n();
    requireImages("im2col", images, w.inPerImage());
    checkSpan("im2col columns", cols, 0, (long) n * w.colsPerImage());
    Launch l = tensor(tensor(launch("window", "im2col"), images), cols).i(n);
    window(l, w).run1d((long) n * w.patchSize() * w.outH());
  }

  @Override
  public synchronized void col2im(Tensor cols, Window2d w, Tensor images) {
    int n = images.shape().n();
    requireImages("col2im", images, w.inPerImage());
    checkSpan("col2im columns", cols, 0, (long) n * w.colsPerImage());
    Launch l = tensor(tensor(launch("window", "col2im"), cols), images).i(n);
    window(l, w).run1d((long) n * w.channels() * w.height());
  }

  @Override
  public synchronized void maxPoolForward(Tensor in, Window2d w, Tensor out, IntTensor switches) {
    int n = in.shape().n();
    requireImages("max pool input", in, w.inPerImage());
    requireImages("max pool output", out, w.outPerImage());
    ClBuffer sw = ints(switches);
    if (switches.length() < (long) n * w.outPerImage()) {
      throw new IllegalArgumentException(
          "max pool: switches hold " + switches.length() + " ints, need " + n * w.outPerImage());
    }
    // The device now owns the switches' contents; the host mirror no longer describes them.
    sw.hostInts = null;
    Launch l = tensor(tensor(launch("pool", "max_pool_forward"), in), out).mem(sw).i(n);
    window(l, w).run1d((long) n * w.channels() * w.outH());
  }

  @Override
  public synchronized void maxPoolBackward(
      Tensor dOut, IntTensor switches, Window2d w, Tensor dIn) {
    int n = dIn.shape().n();
    requireImages("max pool gradient", dOut, w.outPerImage());
    requireImages("max pool input gradient", dIn, w.inPerImage());
    if (dOut.shape().n() < n || switches.length() < (long) n * w.outPerImage()) {
      throw new IllegalArgumentException(
          "max pool backward: "
              + n
              + " images need "
              + n * w.outPerImage()
              + " switches and gradients, got "
              + switches.length()
              + " and "
              + dOut.shape());
    }
    Launch l = tensor(launch("pool", "max_pool_backward"), dOut).mem(ints(switches));
    window(tensor(l, dIn).i(n), w).run1d((long) n * w.channels() * w.height());
  }

  // --- loss --------------------------------------------------------------------------------

  @Override
  public synchronized double crossEntropySum(Tensor probs, IntTensor labels) {
    int rows = probs.shape().n();
    int cols = probs.shape().perImage();
    checkLabels(labels, rows, cols);
    if (rows == 0) {
      return 0;
    }
    if (lossRows == null || lossRows.capacity() < rows) {
      lossRows = memory.allocate(rows);
    }
    tensor(launch("activation", "cross_entropy_rows"), probs)
        .mem(ints(labels))
        .mem(lossRows)
        .i(rows)
        .i(cols)
        .run1d(rows);
    FloatBuffer data = staging(4L * rows).asFloatBuffer();
    data.limit(rows);
    ClErrors.check(
        clEnqueueReadBuffer(cl().queue(), lossRows.mem(), true, 0, data, null, null),
        "clEnqueueReadBuffer");
    // Summed in double on the host, as the CPU backend does.
    double sum = 0;
    for (int r = 0; r < rows; r++) {
      sum += data.get(r);
    }
    return sum;
  }

  @Override
  public synchronized void softmaxCrossEntropyBackward(
      Tensor probs, IntTensor labels, float scale, Tensor dLogits) {
    requireSameSize("softmax cross-entropy backward", probs, dLogits);
    int rows = probs.shape().n();
    int cols = probs.shape().perImage();
    checkLabels(labels, rows, cols);
    tensor(launch("activation", "softmax_ce_backward"), probs)
        .mem(ints(labels))
        .f(scale)
        .tensor(dLogits)
        .i(rows)
        .i(cols)
        .run1d((long) rows * cols);
  }

  private void checkLabels(IntTensor labels, int rows, int cols) {
    ClBuffer b = ints(labels);
    if (labels.length() < rows) {
      throw new IllegalArgumentException(
          "cross-entropy: " + rows + " rows but only " + labels.length() + " labels");
    }
    if (b.hostInts == null) {
      throw new IllegalArgumentException(
          "cross-entropy: labels must be uploaded with uploadInts before use");
    }
    for (int r = 0; r < rows; r++) {
      checkLabel(b.hostInts[r], cols, r);
    }
  }

  // --- lifecycle ---------------------------------------------------------------------------

  /** Bytes of device memory held by this backend's live buffers. */
  public long liveBytes() {
    return memory.liveBytes();
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
