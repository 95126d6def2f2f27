package io.vigil.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The message a missing OpenCL loader leaves: one line naming the packages to install. */
class OpenClLibraryMessageTest {

  @Test
  void aMultiLineLoaderErrorBecomesOneLineNamingThePackages() {
    UnsatisfiedLinkError raw =
        new UnsatisfiedLinkError(
            "Failed to locate library: libOpenCL.so.1\n"
                + "[LWJGL] Platform/architecture mismatch detected for module: org.lwjgl\n"
                + "\tJVM platform:\n\t\tLinux amd64");
    String message = OpenClLibrary.loadFailure(raw);
    assertEquals(1, message.lines().count(), message);
    assertTrue(message.contains("Failed to locate library: libOpenCL.so.1"), message);
    assertTrue(message.contains("ocl-icd-libopencl1"), message);
    assertTrue(message.contains("pocl-opencl-icd"), message);
  }
}
