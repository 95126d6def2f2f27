package io.vigil.opencl;

/**
 * Run in a child JVM by {@link NoOpenClTest} with OpenCL hidden: prints what the provider reports
 * and the error an explicit request gets, one per line.
 */
final class NoOpenClProbe {

  private NoOpenClProbe() {}

  public static void main(String[] args) {
    OpenClBackendProvider provider = new OpenClBackendProvider();
    System.out.println("devices=" + provider.devices().size());
    System.out.println("unavailable=" + provider.unavailableReason().orElse("-"));
    try {
      provider.create("");
      System.out.println("created");
    } catch (RuntimeException e) {
      System.out.println("error=" + e.getClass().getSimpleName() + ": " + e.getMessage());
    }
  }
}
