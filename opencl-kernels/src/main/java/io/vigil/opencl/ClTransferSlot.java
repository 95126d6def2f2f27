package io.vigil.opencl;

import static io.vigil.engine.backend.BackendChecks.checkArray;
import static io.vigil.engine.backend.BackendChecks.checkRange;
import static io.vigil.opencl.ClErrors.check;
import static org.lwjgl.opencl.CL10.CL_MAP_READ;
import static org.lwjgl.opencl.CL10.CL_MAP_WRITE;
import static org.lwjgl.opencl.CL10.CL_SUCCESS;
import static org.lwjgl.opencl.CL10.clEnqueueMapBuffer;
import static org.lwjgl.opencl.CL10.clEnqueueReadBuffer;
import static org.lwjgl.opencl.CL10.clEnqueueUnmapMemObject;
import static org.lwjgl.opencl.CL10.clEnqueueWriteBuffer;
import static org.lwjgl.opencl.CL10.clFlush;
import static org.lwjgl.opencl.CL10.clReleaseEvent;
import static org.lwjgl.opencl.CL10.clWaitForEvents;
import static org.lwjgl.opencl.CL12.clEnqueueBarrierWithWaitList;
import static org.lwjgl.opencl.CL12.clEnqueueMarkerWithWaitList;

import io.vigil.engine.backend.Backend;
import io.vigil.engine.tensor.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.util.List;
import org.lwjgl.PointerBuffer;
import org.lwjgl.system.MemoryStack;

/**
 * The host side of one batch in flight on {@link OpenClBackend}: an input and an output staging
 * buffer in pinned host memory ({@code CL_MEM_ALLOC_HOST_PTR}, mapped once for the slot's life),
 * and the events that order the batch's copies on the transfer queue against its kernels on the
 * compute queue:
 *
 * <pre>
 * transfer queue: write(staging → input) ─┐                                ┌─► read(output → staging) ─► wait
 * compute queue:                          └─► barrier ─► kernels ─► marker ─┘
 * </pre>
 *
 * <p>The barrier makes every kernel enqueued after the upload wait for it; the marker makes the
 * read wait for every kernel enqueued before it. Between them, the other slot's write runs on the
 * transfer queue: on a device with a copy engine (a GPU) the upload of batch k+1 overlaps the
 * compute of batch k, and the read of batch k overlaps the compute of batch k+1. The staging and
 * its mapping are made once; the only per-batch objects are event handles, released when the batch
 * is collected (an event waited on by a later command is released as soon as that command is
 * enqueued: OpenCL keeps it until the wait is over).
 *
 * <p>Calls hold the backend's lock, except the wait in {@link #finishDownload}, so that other
 * threads' ops are enqueued meanwhile. The events of a batch still in flight when the slot is
 * dropped without {@link #close} are not released; its staging is, as any buffer's.
 */
final class ClTransferSlot implements Backend.TransferSlot {

  private final OpenClBackend backend;
  private final ClMemory memory;
  private final ClBuffer inputStaging;
  private final ClBuffer outputStaging;
  private final ByteBuffer inputMapping;
  private final ByteBuffer outputMapping;
  private final FloatBuffer inputFloats;
  private final FloatBuffer outputFloats;
  private final int inputCapacity;
  private final int outputCapacity;

  /** The current batch's upload, kept until the batch is collected; 0 when none. */
  private long uploaded;

  /** The buffer the last upload wrote into; null before the first. */
  private ClBuffer lastTarget;

  /** The current batch's read-back; 0 when none. */
  private long downloaded;

  /** Floats the read-back brings, or -1 when no download was started. */
  private int downloadLength = -1;

  private boolean closed;

  ClTransferSlot(OpenClBackend backend, ClMemory memory, int inputFloats, int outputFloats) {
    this.backend = backend;
    this.memory = memory;
    this.inputCapacity = inputFloats;
    this.outputCapacity = outputFloats;
    ClContext cl = backend.cl();
    this.inputStaging = memory.allocateHostStaging(inputFloats);
    ClBuffer output = null;
    ByteBuffer in = null;
    try {
      in = map(cl, inputStaging);
      output = memory.allocateHostStaging(outputFloats);
      this.outputMapping = map(cl, output);
    } catch (RuntimeException e) {
      if (in != null) {
        // Already failing: that failure is the one to report.
        clEnqueueUnmapMemObject(cl.transferQueue(), inputStaging.mem(), in, null, null);
      }
      memory.free(inputStaging);
      if (output != null) {
        memory.free(output);
      }
      throw e;
    }
    this.inputMapping = in;
    this.outputStaging = output;
    this.inputFloats = inputMapping.order(ByteOrder.nativeOrder()).asFloatBuffer();
    this.outputFloats = outputMapping.order(ByteOrder.nativeOrder()).asFloatBuffer();
    this.inputFloats.limit(inputFloats);
    this.outputFloats.limit(outputFloats);
  }

  /** Maps the whole of {@code staging} for the host, for good. */
  private static ByteBuffer map(ClContext cl, ClBuffer staging) {
    try (MemoryStack stack = MemoryStack.stackPush()) {
      IntBuffer status = stack.mallocInt(1);
      long bytes = 4L * Math.max(1, staging.capacity());
      ByteBuffer mapped =
          clEnqueueMapBuffer(
              cl.transferQueue(),
              staging.mem(),
              true,
              CL_MAP_READ | CL_MAP_WRITE,
              0,
              bytes,
              null,
              null,
              status,
              null);
      check(status.get(0), "clEnqueueMapBuffer(" + bytes + " bytes of host staging)");
      if (mapped == null) {
        throw new ClException("clEnqueueMapBuffer returned no mapping", 0);
      }
      return mapped;
    }
  }

  private String what() {
    return "transfer slot of " + backend.name();
  }

  private ClContext open() {
    if (closed) {
      throw new IllegalStateException(what() + " is closed");
    }
    return backend.cl();
  }

  @Override
  public void upload(float[] src, int srcOffset, Tensor dst, int length) {
    synchronized (backend) {
      checkArray("transfer slot upload source", src.length, srcOffset, length);
      ClContext cl = beginUpload(dst, length);
      if (length == 0) {
        return;
      }
      // The copy that frees the caller's array: from here on the batch lives in the slot.
      inputFloats.clear();
      inputFloats.put(src, srcOffset, length).flip();
      enqueueUpload(cl, dst);
    }
  }

  @Override
  public void uploadImages(List<float[]> images, int imageFloats, Tensor dst) {
    synchronized (backend) {
      int count = images.size();
      for (int i = 0; i < count; i++) {
        checkArray("transfer slot upload image " + i, images.get(i).length, 0, imageFloats);
      }
      int length = Math.multiplyExact(count, imageFloats);
      ClContext cl = beginUpload(dst, length);
      if (length == 0) {
        return;
      }
      // Each image straight from its own array into the staging, where the batch lives from here.
      inputFloats.clear();
      for (int i = 0; i < count; i++) {
        inputFloats.put(images.get(i), 0, imageFloats);
      }
      inputFloats.flip();
      enqueueUpload(cl, dst);
    }
  }

  /** Checks an upload of {@code length} floats into {@code dst} and waits out the last one. */
  private ClContext beginUpload(Tensor dst, int length) {
    ClContext cl = open();
    checkRange("transfer slot upload destination", dst, 0, length);
    if (length > inputCapacity) {
      throw new IllegalArgumentException(
          what() + ": upload of " + length + " floats, the slot holds " + inputCapacity);
    }
    if (downloadLength >= 0) {
      throw new IllegalStateException(
          what() + ": upload while the slot's last batch waits to be collected");
    }
    settleUpload();
    return cl;
  }

  /** Enqueues the copy of the staged input into {@code dst} on the transfer queue. */
  private void enqueueUpload(ClContext cl, Tensor dst) {
    dst.changed();
    ClBuffer input = backend.buffer(dst);
    try (MemoryStack stack = MemoryStack.stackPush()) {
      PointerBuffer computed = null;
      if (input != lastTarget) {
        // The first write into this buffer waits for what the compute queue was asked to do
        // with it before (a new tensor's zero fill). Later batches need no wait: the slot's
        // previous batch, the last to read it, was collected first.
        computed = stack.mallocPointer(1);
        check(
            clEnqueueMarkerWithWaitList(cl.queue(), null, computed), "clEnqueueMarkerWithWaitList");
      }
      PointerBuffer event = stack.mallocPointer(1);
      int flushed = computed == null ? CL_SUCCESS : clFlush(cl.queue());
      int written =
          flushed != CL_SUCCESS
              ? flushed
              : clEnqueueWriteBuffer(
                  cl.transferQueue(),
                  input.mem(),
                  false,
                  4L * dst.offset(),
                  inputFloats,
                  computed,
                  event);
      // The write holds the marker's event for as long as it waits on it.
      int released = computed == null ? CL_SUCCESS : clReleaseEvent(computed.get(0));
      check(flushed, "clFlush");
      check(written, "clEnqueueWriteBuffer (transfer queue)");
      uploaded = event.get(0);
      lastTarget = input;
      check(released, "clReleaseEvent (marker)");
      // Submitted before anything waits on it: a wait on an event of a queue not yet flushed
      // may never end.
      check(clFlush(cl.transferQueue()), "clFlush (transfer queue)");
      check(clEnqueueBarrierWithWaitList(cl.queue(), event, null), "clEnqueueBarrierWithWaitList");
    }
  }

  @Override
  public void startDownload(Tensor src, int length) {
    synchronized (backend) {
      ClContext cl = open();
      checkRange("transfer slot download source", src, 0, length);
      if (length > outputCapacity) {
        throw new IllegalArgumentException(
            what() + ": download of " + length + " floats, the slot holds " + outputCapacity);
      }
      if (downloadLength >= 0) {
        throw new IllegalStateException(what() + ": a download is already under way");
      }
      if (length == 0) {
        downloadLength = 0;
        return;
      }
      ClBuffer output = backend.buffer(src);
      try (MemoryStack stack = MemoryStack.stackPush()) {
        PointerBuffer computed = stack.mallocPointer(1);
        check(
            clEnqueueMarkerWithWaitList(cl.queue(), null, computed), "clEnqueueMarkerWithWaitList");
        long marker = computed.get(0);
        int flushed = clFlush(cl.queue());
        outputFloats.clear().limit(length);
        PointerBuffer event = stack.mallocPointer(1);
        int read =
            flushed != CL_SUCCESS
                ? flushed
                : clEnqueueReadBuffer(
                    cl.transferQueue(),
                    output.mem(),
                    false,
                    4L * src.offset(),
                    outputFloats,
                    computed,
                    event);
        // The read holds the marker's event for as long as it waits on it.
        int released = clReleaseEvent(marker);
        check(flushed, "clFlush");
        check(read, "clEnqueueReadBuffer (transfer queue)");
        downloaded = event.get(0);
        downloadLength = length;
        check(released, "clReleaseEvent (marker)");
        check(clFlush(cl.transferQueue()), "clFlush (transfer queue)");
      }
    }
  }

  @Override
  public void finishDownload(float[] dst, int dstOffset) {
    long event;
    int length;
    synchronized (backend) {
      open();
      if (downloadLength < 0) {
        throw new IllegalStateException(what() + ": no download was started");
      }
      checkArray("transfer slot download destination", dst.length, dstOffset, downloadLength);
      event = downloaded;
      length = downloadLength;
    }
    // Without the backend's lock: other threads enqueue their ops while this batch finishes.
    int waited = event == 0 ? CL_SUCCESS : clWaitForEvents(event);
    synchronized (backend) {
      downloaded = 0;
      downloadLength = -1;
      int released = event == 0 ? CL_SUCCESS : clReleaseEvent(event);
      check(waited, "clWaitForEvents (download of a batch)");
      check(released, "clReleaseEvent (download)");
      // The read waited for the kernels, which waited for the upload: long complete.
      settleUpload();
    }
    outputFloats.get(0, dst, dstOffset, length);
  }

  /**
   * Waits for the current batch's upload and releases its event: a no-op after a collected batch;
   * after one that failed before its download, it keeps the next upload off the staging until the
   * write from it is over.
   */
  private void settleUpload() {
    if (uploaded == 0) {
      return;
    }
    long event = uploaded;
    uploaded = 0;
    int waited = clWaitForEvents(event);
    int released = clReleaseEvent(event);
    check(waited, "clWaitForEvents (upload of a batch)");
    check(released, "clReleaseEvent (upload)");
  }

  /**
   * Waits for a batch still under way, releases its events, unmaps and frees the staging. After the
   * backend closed there is nothing left to free: the backend closes its open slots first.
   */
  @Override
  public void close() {
    synchronized (backend) {
      if (closed) {
        return;
      }
      closed = true;
      backend.forget(this);
      if (backend.isClosed()) {
        return;
      }
      ClContext cl = backend.cl();
      FirstFailure failure = new FirstFailure();
      if (downloaded != 0) {
        failure.note(clWaitForEvents(downloaded), "clWaitForEvents (download of a batch)");
        failure.note(clReleaseEvent(downloaded), "clReleaseEvent (download)");
        downloaded = 0;
      }
      if (uploaded != 0) {
        failure.note(clWaitForEvents(uploaded), "clWaitForEvents (upload of a batch)");
        failure.note(clReleaseEvent(uploaded), "clReleaseEvent (upload)");
        uploaded = 0;
      }
      failure.note(
          clEnqueueUnmapMemObject(cl.transferQueue(), inputStaging.mem(), inputMapping, null, null),
          "clEnqueueUnmapMemObject (input staging)");
      failure.note(
          clEnqueueUnmapMemObject(
              cl.transferQueue(), outputStaging.mem(), outputMapping, null, null),
          "clEnqueueUnmapMemObject (output staging)");
      // OpenCL frees the buffers once the unmaps have run.
      memory.free(inputStaging);
      memory.free(outputStaging);
      failure.check();
    }
  }

  /** The first failed call of a sequence that must run to its end. */
  private static final class FirstFailure {
    private int code = CL_SUCCESS;
    private String call;

    void note(int status, String what) {
      if (code == CL_SUCCESS && status != CL_SUCCESS) {
        code = status;
        call = what;
      }
    }

    void check() {
      ClErrors.check(code, call);
    }
  }
}
