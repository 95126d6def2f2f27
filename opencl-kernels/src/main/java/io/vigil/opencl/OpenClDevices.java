package io.vigil.opencl;

import static io.vigil.opencl.ClErrors.check;
import static org.lwjgl.opencl.CL10.*;

import java.nio.ByteBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.lwjgl.PointerBuffer;
import org.lwjgl.system.MemoryStack;
import org.lwjgl.system.MemoryUtil;

/**
 * Lists the OpenCL devices of every platform and picks one from a device spec:
 *
 * <ul>
 *   <li>empty or {@code default}: the first GPU, else the first device of any kind;
 *   <li>a number: the device with that {@link OpenClDevice#index()};
 *   <li>anything else: the first device whose name, vendor or platform contains it (ignoring case).
 * </ul>
 *
 * With no OpenCL library or no platform, {@link #list()} is empty and {@link #choose} fails with a
 * message that says why.
 */
public final class OpenClDevices {

  private OpenClDevices() {}

  /** Every device of every platform, numbered in discovery order; empty without OpenCL. */
  public static List<OpenClDevice> list() {
    if (OpenClLibrary.failure().isPresent()) {
      return List.of();
    }
    List<OpenClDevice> devices = new ArrayList<>();
    try (MemoryStack stack = MemoryStack.stackPush()) {
      IntBuffer count = stack.mallocInt(1);
      int status = clGetPlatformIDs(null, count);
      if (status == ClErrors.PLATFORM_NOT_FOUND_KHR || (status == 0 && count.get(0) == 0)) {
        return List.of();
      }
      check(status, "clGetPlatformIDs");
      PointerBuffer platforms = stack.mallocPointer(count.get(0));
      check(clGetPlatformIDs(platforms, (IntBuffer) null), "clGetPlatformIDs");
      for (int p = 0; p < platforms.capacity(); p++) {
        long platform = platforms.get(p);
        String platformName = platformString(platform, CL_PLATFORM_NAME);
        status = clGetDeviceIDs(platform, CL_DEVICE_TYPE_ALL, null, count);
        if (status == CL_DEVICE_NOT_FOUND) {
          continue;
        }
        check(status, "clGetDeviceIDs");
        PointerBuffer ids = stack.mallocPointer(count.get(0));
        check(
            clGetDeviceIDs(platform, CL_DEVICE_TYPE_ALL, ids, (IntBuffer) null), "clGetDeviceIDs");
        for (int d = 0; d < ids.capacity(); d++) {
          long device = ids.get(d);
          devices.add(
              new OpenClDevice(
                  devices.size(),
                  platformName,
                  deviceString(device, CL_DEVICE_NAME),
                  deviceString(device, CL_DEVICE_VENDOR),
                  typeName(deviceLong(device, CL_DEVICE_TYPE)),
                  deviceInt(device, CL_DEVICE_MAX_COMPUTE_UNITS),
                  deviceLong(device, CL_DEVICE_GLOBAL_MEM_SIZE),
                  deviceLong(device, CL_DEVICE_MAX_MEM_ALLOC_SIZE),
                  deviceString(device, CL_DEVICE_VERSION),
                  deviceString(device, CL_DRIVER_VERSION),
                  platform,
                  device));
        }
      }
    }
    return List.copyOf(devices);
  }

  /**
   * The device a spec names (see the class comment).
   *
   * @throws ClException when OpenCL is missing, there is no device, or none matches
   */
  public static OpenClDevice choose(String spec) {
    OpenClLibrary.require();
    List<OpenClDevice> devices = list();
    if (devices.isEmpty()) {
      throw new ClException(
          "OpenCL is installed but reports no platform or device; install a driver (e.g."
              + " pocl-opencl-icd for the CPU) and check /etc/OpenCL/vendors",
          ClErrors.PLATFORM_NOT_FOUND_KHR);
    }
    String wanted = spec == null ? "" : spec.trim();
    if (wanted.isEmpty() || wanted.equalsIgnoreCase("default")) {
      return devices.stream()
          .min(Comparator.comparing((OpenClDevice d) -> !d.isGpu()))
          .orElseThrow();
    }
    if (wanted.chars().allMatch(Character::isDigit)) {
      int index = Integer.parseInt(wanted);
      if (index >= devices.size()) {
        throw new IllegalArgumentException(
            "no OpenCL device #" + index + "; known:\n" + listing(devices));
      }
      return devices.get(index);
    }
    String needle = wanted.toLowerCase(Locale.ROOT);
    return devices.stream()
        .filter(
            d ->
                (d.name() + "\n" + d.vendor() + "\n" + d.platform())
                    .toLowerCase(Locale.ROOT)
                    .contains(needle))
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "no OpenCL device matches '" + wanted + "'; known:\n" + listing(devices)));
  }

  private static String listing(List<OpenClDevice> devices) {
    StringBuilder s = new StringBuilder();
    for (OpenClDevice d : devices) {
      s.append("  ").append(d.describe()).append('\n');
    }
    return s.toString();
  }

  private static String typeName(long type) {
    if ((type & CL_DEVICE_TYPE_GPU) != 0) {
      return "GPU";
    }
    if ((type & CL_DEVICE_TYPE_CPU) != 0) {
      return "CPU";
    }
    if ((type & CL_DEVICE_TYPE_ACCELERATOR) != 0) {
      return "ACCELERATOR";
    }
    return "OTHER";
  }

  static String platformString(long platform, int param) {
    try (MemoryStack stack = MemoryStack.stackPush()) {
      PointerBuffer size = stack.mallocPointer(1);
      check(clGetPlatformInfo(platform, param, (ByteBuffer) null, size), "clGetPlatformInfo");
      ByteBuffer bytes = MemoryUtil.memAlloc((int) size.get(0));
      try {
        check(clGetPlatformInfo(platform, param, bytes, null), "clGetPlatformInfo");
        return MemoryUtil.memUTF8(bytes, (int) size.get(0) - 1).trim();
      } finally {
        MemoryUtil.memFree(bytes);
      }
    }
  }

  static String deviceString(long device, int param) {
    try (MemoryStack stack = MemoryStack.stackPush()) {
      PointerBuffer size = stack.mallocPointer(1);
      check(clGetDeviceInfo(device, param, (ByteBuffer) null, size), "clGetDeviceInfo");
      ByteBuffer bytes = MemoryUtil.memAlloc((int) size.get(0));
      try {
        check(clGetDeviceInfo(device, param, bytes, null), "clGetDeviceInfo");
        return MemoryUtil.memUTF8(bytes, (int) size.get(0) - 1).trim();
      } finally {
        MemoryUtil.memFree(bytes);
      }
    }
  }

  static int deviceInt(long device, int param) {
    try (MemoryStack stack = MemoryStack.stackPush()) {
      IntBuffer value = stack.mallocInt(1);
      check(clGetDeviceInfo(device, param, value, null), "clGetDeviceInfo");
      return value.get(0);
    }
  }

  static long deviceLong(long device, int param) {
    try (MemoryStack stack = MemoryStack.stackPush()) {
      LongBuffer value = stack.mallocLong(1);
      check(clGetDeviceInfo(device, param, value, null), "clGetDeviceInfo");
      return value.get(0);
    }
  }
}
