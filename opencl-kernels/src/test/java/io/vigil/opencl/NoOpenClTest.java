package io.vigil.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Without OpenCL, listing devices gives nothing and asking for the backend fails with a message
 * that says why: checked in a child JVM, once with the OpenCL library missing and once with the ICD
 * loader present but no driver registered.
 */
class NoOpenClTest {

  private static List<String> probe(String libname, String vendors)
      throws IOException, InterruptedException {
    ProcessBuilder pb =
        new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Dorg.lwjgl.opencl.libname=" + libname,
            "-cp",
            System.getProperty("java.class.path"),
            NoOpenClProbe.class.getName());
    pb.environment().put("OCL_ICD_VENDORS", vendors);
    pb.redirectErrorStream(true);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "probe finished");
    assertEquals(0, p.exitValue(), out);
    return out.lines().filter(l -> l.matches("^(devices|unavailable|error|created).*")).toList();
  }

  @Test
  void aMissingLibraryIsReportedAndRefusedClearly() throws Exception {
    List<String> lines = probe("/nonexistent/libOpenCL.so.1", "/etc/OpenCL/vendors");
    assertEquals("devices=0", lines.get(0), String.join("\n", lines));
    assertTrue(
        lines.get(1).startsWith("unavailable=cannot load the OpenCL library"),
        String.join("\n", lines));
    assertTrue(
        lines.get(2).startsWith("error=ClException: OpenCL is not available: cannot load"),
        String.join("\n", lines));
  }

  @Test
  void noRegisteredDriverIsReportedAndRefusedClearly() throws Exception {
    List<String> lines = probe("libOpenCL.so.1", "/nonexistent-vendors-dir");
    assertEquals("devices=0", lines.get(0), String.join("\n", lines));
    assertEquals(
        "unavailable=the OpenCL library is installed but reports no platform or device",
        lines.get(1),
        String.join("\n", lines));
    assertTrue(
        lines.get(2).startsWith("error=ClException: OpenCL is installed but reports no platform"),
        String.join("\n", lines));
  }
}
