package io.vigil.opencl;

import java.nio.IntBuffer;

/** Turns OpenCL status codes into {@link ClException}s that name the call and the code. */
final class ClErrors {

  private static final String[] NAMES = {
    "CL_SUCCESS",
    "CL_DEVICE_NOT_FOUND",
    "CL_DEVICE_NOT_AVAILABLE",
    "CL_COMPILER_NOT_AVAILABLE",
    "CL_MEM_OBJECT_ALLOCATION_FAILURE",
    "CL_OUT_OF_RESOURCES",
    "CL_OUT_OF_HOST_MEMORY",
    "CL_PROFILING_INFO_NOT_AVAILABLE",
    "CL_MEM_COPY_OVERLAP",
    "CL_IMAGE_FORMAT_MISMATCH",
    "CL_IMAGE_FORMAT_NOT_SUPPORTED",
    "CL_BUILD_PROGRAM_FAILURE",
    "CL_MAP_FAILURE",
    "CL_MISALIGNED_SUB_BUFFER_OFFSET",
    "CL_EXEC_STATUS_ERROR_FOR_EVENTS_IN_WAIT_LIST",
    "CL_COMPILE_PROGRAM_FAILURE",
    "CL_LINKER_NOT_AVAILABLE",
    "CL_LINK_PROGRAM_FAILURE",
    "CL_DEVICE_PARTITION_FAILED",
    "CL_KERNEL_ARG_INFO_NOT_AVAILABLE",
  };

  private static final String[] INVALID = {
    "CL_INVALID_VALUE",
    "CL_INVALID_DEVICE_TYPE",
    "CL_INVALID_PLATFORM",
    "CL_INVALID_DEVICE",
    "CL_INVALID_CONTEXT",
    "CL_INVALID_QUEUE_PROPERTIES",
    "CL_INVALID_COMMAND_QUEUE",
    "CL_INVALID_HOST_PTR",
    "CL_INVALID_MEM_OBJECT",
    "CL_INVALID_IMAGE_FORMAT_DESCRIPTOR",
    "CL_INVALID_IMAGE_SIZE",
    "CL_INVALID_SAMPLER",
    "CL_INVALID_BINARY",
    "CL_INVALID_BUILD_OPTIONS",
    "CL_INVALID_PROGRAM",
    "CL_INVALID_PROGRAM_EXECUTABLE",
    "CL_INVALID_KERNEL_NAME",
    "CL_INVALID_KERNEL_DEFINITION",
    "CL_INVALID_KERNEL",
    "CL_INVALID_ARG_INDEX",
    "CL_INVALID_ARG_VALUE",
    "CL_INVALID_ARG_SIZE",
    "CL_INVALID_KERNEL_ARGS",
    "CL_INVALID_WORK_DIMENSION",
    "CL_INVALID_WORK_GROUP_SIZE",
    "CL_INVALID_WORK_ITEM_SIZE",
    "CL_INVALID_GLOBAL_OFFSET",
    "CL_INVALID_EVENT_WAIT_LIST",
    "CL_INVALID_EVENT",
    "CL_INVALID_OPERATION",
    "CL_INVALID_GL_OBJECT",
    "CL_INVALID_BUFFER_SIZE",
    "CL_INVALID_MIP_LEVEL",
    "CL_INVALID_GLOBAL_WORK_SIZE",
    "CL_INVALID_PROPERTY",
    "CL_INVALID_IMAGE_DESCRIPTOR",
    "CL_INVALID_COMPILER_OPTIONS",
    "CL_INVALID_LINKER_OPTIONS",
    "CL_INVALID_DEVICE_PARTITION_COUNT",
  };

  /** The ICD loader's answer when no platform is installed (cl_khr_icd). */
  static final int PLATFORM_NOT_FOUND_KHR = -1001;

  private ClErrors() {}

  /** The symbolic name of an OpenCL status code, e.g. {@code CL_INVALID_KERNEL_ARGS (-52)}. */
  static String name(int code) {
    String name;
    if (code <= 0 && -code < NAMES.length) {
      name = NAMES[-code];
    } else if (code <= -30 && -code - 30 < INVALID.length) {
      name = INVALID[-code - 30];
    } else if (code == PLATFORM_NOT_FOUND_KHR) {
      name = "CL_PLATFORM_NOT_FOUND_KHR";
    } else {
      name = "unknown OpenCL error";
    }
    return name + " (" + code + ")";
  }

  /** Throws if {@code code} is not {@code CL_SUCCESS}. */
  static void check(int code, String call) {
    if (code != 0) {
      throw new ClException(call + " failed: " + name(code), code);
    }
  }

  /** For the calls that return a handle and report their status through {@code errcode_ret}. */
  static long check(long handle, IntBuffer status, String call) {
    check(status.get(0), call);
    if (handle == 0) {
      throw new ClException(call + " returned a null handle", 0);
    }
    return handle;
  }
}
