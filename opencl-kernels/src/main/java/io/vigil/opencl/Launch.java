package io.vigil.opencl;

import static io.vigil.opencl.ClErrors.check;
import static org.lwjgl.opencl.CL10.*;

import io.vigil.engine.backend.Backend;
import io.vigil.engine.tensor.Tensor;
import org.lwjgl.PointerBuffer;
import org.lwjgl.system.MemoryStack;

/**
 * Sets a kernel's arguments in order and enqueues it: {@code
 * launch.buffer(x).offset(x).i(n).run1d(n)}. Buffers and their element offsets go as separate
 * arguments (kernels index from {@code base + i}) because sub-buffers need aligned offsets and
 * tensor views are not aligned. One at a time: the backend holds its lock while launching.
 */
final class Launch {

  private final ClContext cl;
  private final Backend owner;
  private final long kernel;
  private final String name;
  private int index;

  Launch(ClContext cl, Backend owner, long kernel, String name) {
    this.cl = cl;
    this.owner = owner;
    this.kernel = kernel;
    this.name = name;
  }

  Launch mem(ClBuffer buffer) {
    check(clSetKernelArg1p(kernel, index++, buffer.mem()), "clSetKernelArg(" + name + ")");
    return this;
  }

  /** The tensor's buffer and then its offset in that buffer plus {@code extra}. */
  Launch tensor(Tensor t, int extra) {
    if (t.owner() != owner || !(t.storage() instanceof ClBuffer buffer)) {
      throw new IllegalArgumentException(
          name + ": " + t + " is not owned by " + owner.name() + "; copy it explicitly");
    }
    mem(buffer);
    return i(t.offset() + extra);
  }

  Launch tensor(Tensor t) {
    return tensor(t, 0);
  }

  Launch i(int value) {
    check(clSetKernelArg1i(kernel, index++, value), "clSetKernelArg(" + name + ")");
    return this;
  }

  Launch f(float value) {
    check(clSetKernelArg1f(kernel, index++, value), "clSetKernelArg(" + name + ")");
    return this;
  }

  /** {@code count} work items (rounded up to the device's elementwise work-group size). */
  void run1d(long count) {
    if (count == 0) {
      return;
    }
    long local = cl.tuning("LOCAL");
    run(new long[] {(count + local - 1) / local * local}, new long[] {local});
  }

  /** {@code groups} work groups of {@code local} items each. */
  void groups(long groups, long local) {
    if (groups == 0) {
      return;
    }
    run(new long[] {groups * local}, new long[] {local});
  }

  /** Work items in one work group at most for {@link #perImage}. */
  static final long MAX_GROUP = 1024;

  /**
   * For a 3-D launch whose last dimension counts images (or image planes): on a CPU device one work
   * group per image, {@code (global[0], global[1], 1)}, where it has at most {@link #MAX_GROUP}
   * items; otherwise null (the driver picks). PoCL's own pick made many small groups, and on a CPU
   * every group costs a scheduling step: LeNet-5's batch-32 forward took 390 µs with a group per
   * image against 640 µs with PoCL's pick (one profile run on a busy 2-core machine). A GPU wants
   * groups sized to its hardware, which the driver knows.
   */
  static long[] perImage(ClContext cl, long[] global) {
    if (cl.device().isGpu() || global[0] * global[1] > MAX_GROUP) {
      return null;
    }
    return new long[] {global[0], global[1], 1};
  }

  /** An NDRange of the given global sizes; {@code local} may be null (the driver picks). */
  void run(long[] global, long[] local) {
    try (MemoryStack stack = MemoryStack.stackPush()) {
      PointerBuffer g = stack.mallocPointer(global.length);
      for (int d = 0; d < global.length; d++) {
        g.put(d, global[d]);
      }
      PointerBuffer l = null;
      if (local != null) {
        l = stack.mallocPointer(local.length);
        for (int d = 0; d < local.length; d++) {
          l.put(d, local[d]);
        }
      }
      check(
          clEnqueueNDRangeKernel(cl.queue(), kernel, global.length, null, g, l, null, null),
          "clEnqueueNDRangeKernel(" + name + ")");
    }
  }
}
