package io.vigil.opencl;

import io.vigil.engine.backend.Backend;
import io.vigil.engine.backend.BackendProvider;
import java.util.List;
import java.util.Optional;

/**
 * Offers {@link OpenClBackend} to the engine under the name {@code opencl}, through {@link
 * java.util.ServiceLoader}. Loading this class touches no OpenCL; only {@link #create}, {@link
 * #devices} and {@link #unavailableReason} do.
 */
public final class OpenClBackendProvider implements BackendProvider {

  /** The name users write: {@code opencl}, {@code opencl:0}, {@code opencl:nvidia}. */
  public static final String NAME = "opencl";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Optional<String> unavailableReason() {
    Optional<String> library = OpenClLibrary.failure();
    if (library.isPresent()) {
      return library;
    }
    return OpenClDevices.list().isEmpty()
        ? Optional.of("the OpenCL library is installed but reports no platform or device")
        : Optional.empty();
  }

  @Override
  public List<String> devices() {
    return OpenClDevices.list().stream().map(OpenClDevice::describe).toList();
  }

  /** The first GPU or accelerator; a CPU device (PoCL's) is left to the CPU backend. */
  @Override
  public Optional<String> acceleratorDevice() {
    if (unavailableReason().isPresent()) {
      return Optional.empty();
    }
    return OpenClDevices.list().stream()
        .filter(d -> d.isGpu() || d.type().equals("ACCELERATOR"))
        .map(d -> Integer.toString(d.index()))
        .findFirst();
  }

  @Override
  public Backend create(String deviceSpec) {
    return OpenClBackend.create(deviceSpec);
  }

  @Override
  public void tune(
      String deviceSpec,
      boolean write,
      double secondsPerShape,
      java.util.function.Consumer<String> out)
      throws java.io.IOException {
    OpenClTuner.run(deviceSpec, write, secondsPerShape, out);
  }
}
