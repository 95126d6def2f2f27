package io.vigil.opencl;

/**
 * One OpenCL device as {@code vigil devices} lists it. {@code index} numbers devices across all
 * platforms in discovery order, which is what {@code --device opencl:INDEX} refers to.
 *
 * @param index position in {@link OpenClDevices#list()}
 * @param platform platform name, e.g. {@code Portable Computing Language}
 * @param name device name, e.g. {@code cpu-haswell-AMD EPYC 7B13}
 * @param vendor device vendor
 * @param type {@code GPU}, {@code CPU}, {@code ACCELERATOR} or {@code OTHER}
 * @param computeUnits {@code CL_DEVICE_MAX_COMPUTE_UNITS}
 * @param globalMemoryBytes {@code CL_DEVICE_GLOBAL_MEM_SIZE}
 * @param maxAllocationBytes {@code CL_DEVICE_MAX_MEM_ALLOC_SIZE}, the largest single buffer
 * @param version {@code CL_DEVICE_VERSION}, e.g. {@code OpenCL 3.0 PoCL ...}
 * @param driver {@code CL_DRIVER_VERSION}
 * @param platformId the {@code cl_platform_id} handle
 * @param deviceId the {@code cl_device_id} handle
 */
public record OpenClDevice(
    int index,
    String platform,
    String name,
    String vendor,
    String type,
    int computeUnits,
    long globalMemoryBytes,
    long maxAllocationBytes,
    String version,
    String driver,
    long platformId,
    long deviceId) {

  /** One line for listings and logs. */
  public String describe() {
    return String.format(
        "#%d %s [%s, %s] %d compute units, %.1f GiB, %s, driver %s (platform %s)",
        index,
        name,
        vendor,
        type,
        computeUnits,
        globalMemoryBytes / (double) (1L << 30),
        version,
        driver,
        platform);
  }

  /**
   * This device as a backend on it should see it with at most {@code globalBytes} of memory and
   * {@code allocationBytes} in one buffer (each capped at what the device has): to leave room for
   * other programs on a shared device, or to show in a test what happens on a smaller one.
   */
  public OpenClDevice withMemoryLimits(long globalBytes, long allocationBytes) {
    if (globalBytes < 1 || allocationBytes < 1) {
      throw new IllegalArgumentException(
          "memory limits of "
              + name
              + " must be positive, got "
              + globalBytes
              + " and "
              + allocationBytes);
    }
    return new OpenClDevice(
        index,
        platform,
        name,
        vendor,
        type,
        computeUnits,
        Math.min(globalBytes, globalMemoryBytes),
        Math.min(allocationBytes, maxAllocationBytes),
        version,
        driver,
        platformId,
        deviceId);
  }

  /** True for a GPU, which the default choice prefers. */
  public boolean isGpu() {
    return "GPU".equals(type);
  }
}
