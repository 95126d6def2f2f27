package io.vigil.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.engine.backend.Backend;
import io.vigil.engine.backend.BackendProvider;
import io.vigil.engine.tensor.Shape;
import java.util.List;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

/**
 * Devices are listed and chosen by index or name, the provider is found through ServiceLoader,
 * unknown devices fail with the list of known ones, and an allocation that cannot fit says how much
 * was asked and how much the device has.
 */
class DiscoveryTest {

  @Test
  void listsDevicesWithTheirProperties() {
    List<OpenClDevice> devices = OpenClDevices.list();
    assertFalse(devices.isEmpty(), "PoCL or another OpenCL driver reports a device");
    OpenClDevice first = devices.get(0);
    assertEquals(0, first.index());
    assertTrue(first.computeUnits() >= 1, first.describe());
    assertTrue(first.globalMemoryBytes() >= first.maxAllocationBytes(), first.describe());
    assertTrue(first.version().startsWith("OpenCL "), first.version());
    assertTrue(first.describe().startsWith("#0 " + first.name()), first.describe());
  }

  @Test
  void choosesByIndexByNameAndByDefault() {
    OpenClDevice first = OpenClDevices.list().get(0);
    assertEquals(first, OpenClDevices.choose("0"));
    String part = first.name().substring(0, Math.min(5, first.name().length())).toUpperCase();
    assertEquals(first.deviceId(), OpenClDevices.choose(part).deviceId());
    OpenClDevice chosen = OpenClDevices.choose("");
    assertTrue(chosen.isGpu() || OpenClDevices.list().stream().noneMatch(OpenClDevice::isGpu));
  }

  @Test
  void unknownDevicesFailWithTheKnownOnes() {
    IllegalArgumentException byName =
        assertThrows(IllegalArgumentException.class, () -> OpenClDevices.choose("no-such-gpu"));
    assertTrue(byName.getMessage().startsWith("no OpenCL device matches 'no-such-gpu'; known:"));
    assertTrue(byName.getMessage().contains("#0 "), byName.getMessage());
    IllegalArgumentException byIndex =
        assertThrows(IllegalArgumentException.class, () -> OpenClDevices.choose("99"));
    assertTrue(byIndex.getMessage().startsWith("no OpenCL device #99; known:"));
  }

  @Test
  void serviceLoaderFindsTheOpenClProvider() throws Exception {
    BackendProvider provider =
        ServiceLoader.load(BackendProvider.class).stream()
            .map(ServiceLoader.Provider::get)
            .filter(p -> p.name().equals("opencl"))
            .findFirst()
            .orElseThrow();
    assertTrue(provider.unavailableReason().isEmpty(), provider.unavailableReason().toString());
    assertEquals(OpenClDevices.list().size(), provider.devices().size());
    Backend backend = provider.create("0");
    try {
      assertTrue(backend.name().startsWith("opencl("), backend.name());
      assertSame(backend, backend.allocate(new Shape(1, 3, 1, 1)).owner());
    } finally {
      ((AutoCloseable) backend).close();
    }
  }

  @Test
  void closingFreesBuffersAndRefusesFurtherWork() {
    OpenClBackend backend = OpenClBackend.create("0");
    backend.allocate(new Shape(2, 3, 5, 7));
    assertEquals(4L * 210, backend.liveBytes());
    backend.close();
    assertEquals(0, backend.liveBytes());
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> backend.allocate(new Shape(1, 1, 1, 1)));
    assertTrue(e.getMessage().endsWith("is closed"), e.getMessage());
  }

  @Test
  void anAllocationThatCannotFitSaysWhatWasAskedAndWhatTheDeviceHas() {
    OpenClDevice device = Twin.CL.device();
    // 2^31 − 1 floats is 8 GiB; larger than PoCL's 2 GiB single-buffer limit and most GPUs'.
    int floats = Integer.MAX_VALUE;
    if (4L * floats <= device.maxAllocationBytes()) {
      return;
    }
    ClException e =
        assertThrows(ClException.class, () -> Twin.CL.allocate(new Shape(1, floats, 1, 1)));
    assertTrue(e.getMessage().startsWith("out of memory on OpenCL device " + device.name()));
    assertTrue(e.getMessage().contains("asked for 8,589,934,588 bytes"), e.getMessage());
    assertTrue(
        e.getMessage()
            .contains(String.format("the device has %,d bytes", device.globalMemoryBytes())),
        e.getMessage());
  }

  @Test
  void errorCodesAreNamed() {
    assertEquals("CL_INVALID_KERNEL_ARGS (-52)", ClErrors.name(-52));
    assertEquals("CL_MEM_OBJECT_ALLOCATION_FAILURE (-4)", ClErrors.name(-4));
    assertEquals("CL_PLATFORM_NOT_FOUND_KHR (-1001)", ClErrors.name(-1001));
    ClException e = assertThrows(ClException.class, () -> ClErrors.check(-38, "clFinish"));
    assertEquals("clFinish failed: CL_INVALID_MEM_OBJECT (-38)", e.getMessage());
    assertEquals(-38, e.code());
  }
}
