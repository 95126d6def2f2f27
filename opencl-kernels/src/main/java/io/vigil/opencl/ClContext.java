package io.vigil.opencl;

import static io.vigil.opencl.ClErrors.check;
import static org.lwjgl.opencl.CL10.*;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.IntBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.lwjgl.PointerBuffer;
import org.lwjgl.system.MemoryStack;
import org.lwjgl.system.MemoryUtil;

/**
 * One device's context, its two in-order command queues (one for kernels, one for the transfers of
 * batches in flight, so that a batch's upload can run while the previous batch computes), and the
 * programs built for it. Programs come from {@code kernels/FILE.cl} resources, are built once per
 * (file, options) with the device's tuning values as {@code -D} options, and are cached for the
 * life of the context in memory and across processes on disk ({@link ProgramBinaryCache}). A failed
 * build throws with the full build log. Not thread-safe: the backend serialises calls.
 */
final class ClContext implements AutoCloseable {

  private final OpenClDevice device;
  private final Map<String, String> tuning;
  private final long context;
  private final long queue;
  private final long transferQueue;
  private final Map<String, Long> programs = new HashMap<>();
  private final Map<String, Long> kernels = new HashMap<>();
  private final ProgramBinaryCache binaries;
  private boolean closed;

  ClContext(OpenClDevice device, TuningTable table, ProgramBinaryCache binaries) {
    this.device = device;
    this.binaries = binaries;
    this.tuning = table.valuesFor(device.name());
    try (MemoryStack stack = MemoryStack.stackPush()) {
      IntBuffer status = stack.mallocInt(1);
      PointerBuffer properties =
          stack.mallocPointer(3).put(CL_CONTEXT_PLATFORM).put(device.platformId()).put(0).flip();
      this.context =
          ClErrors.check(
              clCreateContext(properties, device.deviceId(), null, 0, status),
              status,
              "clCreateContext");
      long q;
      try {
        q =
            ClErrors.check(
                clCreateCommandQueue(context, device.deviceId(), 0, status),
                status,
                "clCreateCommandQueue");
      } catch (RuntimeException e) {
        clReleaseContext(context);
        throw e;
      }
      long t;
      try {
        t =
            ClErrors.check(
                clCreateCommandQueue(context, device.deviceId(), 0, status),
                status,
                "clCreateCommandQueue (transfers)");
      } catch (RuntimeException e) {
        clReleaseCommandQueue(q);
        clReleaseContext(context);
        throw e;
      }
      this.queue = q;
      this.transferQueue = t;
    }
  }

  OpenClDevice device() {
    return device;
  }

  long context() {
    return context;
  }

  /** The queue every op's kernels run on, in order. */
  long queue() {
    return queue;
  }

  /**
   * The queue of {@link ClTransferSlot}'s copies. Commands on it run beside the kernels; the two
   * queues are ordered only by the events the slot passes between them.
   */
  long transferQueue() {
    return transferQueue;
  }

  /** A tuning value as an int (see {@code kernels/tuning.txt}). */
  int tuning(String name) {
    String value = tuning.get(name);
    if (value == null) {
      throw new IllegalStateException("tuning table has no value " + name + " (no default row?)");
    }
    return Integer.parseInt(value);
  }

  /** The tuning values in force on this device. */
  Map<String, String> tuning() {
    return Map.copyOf(tuning);
  }

  /**
   * The kernel {@code name} of {@code kernels/FILE.cl} built with the tuning options plus {@code
   * extraOptions}; built on first use.
   */
  long kernel(String file, String name, String extraOptions) {
    String key = file + "|" + extraOptions + "|" + name;
    Long kernel = kernels.get(key);
    if (kernel != null) {
      return kernel;
    }
    long program = program(file, extraOptions);
    try (MemoryStack stack = MemoryStack.stackPush()) {
      IntBuffer status = stack.mallocInt(1);
      long created =
          ClErrors.check(
              clCreateKernel(program, name, status), status, "clCreateKernel(" + name + ")");
      kernels.put(key, created);
      return created;
    }
  }

  private long program(String file, String extraOptions) {
    String key = file + "|" + extraOptions;
    Long cached = programs.get(key);
    if (cached != null) {
      return cached;
    }
    String source = source(file);
    String options = ("-cl-std=CL1.2 " + TuningTable.options(tuning) + " " + extraOptions).trim();
    Path binary = binaries.fileFor(device, options, source);
    Optional<Long> fromDisk = binaries.load(context, device, binary);
    if (fromDisk.isPresent()) {
      programs.put(key, fromDisk.get());
      return fromDisk.get();
    }
    try (MemoryStack stack = MemoryStack.stackPush()) {
      IntBuffer status = stack.mallocInt(1);
      long program =
          ClErrors.check(
              clCreateProgramWithSource(context, source, status),
              status,
              "clCreateProgramWithSource(" + file + ")");
      int built = clBuildProgram(program, device.deviceId(), options, null, 0);
      if (built != 0) {
        String log = buildLog(program);
        clReleaseProgram(program);
        throw new ClException(
            "clBuildProgram of kernels/"
                + file
                + ".cl for "
                + device.name()
                + " with '"
                + options
                + "' failed: "
                + ClErrors.name(built)
                + "\n--- build log ---\n"
                + log,
            built);
      }
      programs.put(key, program);
      binaries.store(program, binary);
      return program;
    }
  }

  private String buildLog(long program) {
    try (MemoryStack stack = MemoryStack.stackPush()) {
      PointerBuffer size = stack.mallocPointer(1);
      check(
          clGetProgramBuildInfo(
              program, device.deviceId(), CL_PROGRAM_BUILD_LOG, (ByteBuffer) null, size),
          "clGetProgramBuildInfo");
      ByteBuffer log = MemoryUtil.memAlloc((int) Math.max(1, size.get(0)));
      try {
        check(
            clGetProgramBuildInfo(program, device.deviceId(), CL_PROGRAM_BUILD_LOG, log, null),
            "clGetProgramBuildInfo");
        return MemoryUtil.memUTF8(log, (int) Math.max(0, size.get(0) - 1));
      } finally {
        MemoryUtil.memFree(log);
      }
    }
  }

  private static String source(String file) {
    String resource = "kernels/" + file + ".cl";
    try (InputStream in = ClContext.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("kernel source " + resource + " is missing");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + resource, e);
    }
  }

  /** Waits until every queued command has run, on both queues. */
  void finish() {
    check(clFinish(queue), "clFinish");
    check(clFinish(transferQueue), "clFinish (transfer queue)");
  }

  private static int firstFailure(int first, int status) {
    return first != 0 ? first : status;
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    // Release everything even after a failure; report the first one.
    int first = 0;
    for (long k : kernels.values()) {
      first = firstFailure(first, clReleaseKernel(k));
    }
    for (long p : programs.values()) {
      first = firstFailure(first, clReleaseProgram(p));
    }
    kernels.clear();
    programs.clear();
    first = firstFailure(first, clReleaseCommandQueue(transferQueue));
    first = firstFailure(first, clReleaseCommandQueue(queue));
    first = firstFailure(first, clReleaseContext(context));
    check(first, "releasing the OpenCL context");
  }
}
