package io.vigil.engine.backend;

/**
 * A kind of {@link Backend} found at run time through {@link java.util.ServiceLoader} (listed in
 * {@code META-INF/services/io.vigil.engine.backend.BackendProvider} of the module that provides
 * it), so the engine can offer backends it does not depend on, e.g. {@code opencl} from the {@code
 * opencl-kernels} module.
 */
public interface BackendProvider {

  /** The name users write, e.g. {@code opencl} in {@code --device opencl:1}. */
  String name();

  /**
   * Empty when this backend can be created on this machine; otherwise why not (e.g. "no OpenCL
   * library"), for {@code vigil devices} and for the error when the backend is asked for.
   */
  java.util.Optional<String> unavailableReason();

  /**
   * Lines describing the devices this backend can run on, one per device, numbered as {@code
   * deviceSpec} indices; empty when unavailable.
   */
  java.util.List<String> devices();

  /**
   * The device {@code --device auto} should run on: a spec for {@link #create} naming a GPU or
   * another accelerator, which beats the CPU backend; empty when this provider has none. A device
   * that is the host CPU under another API (OpenCL on PoCL) is not one: the CPU backend is faster
   * there.
   */
  default java.util.Optional<String> acceleratorDevice() {
    return java.util.Optional.empty();
  }

  /**
   * A new backend on the device {@code deviceSpec} names: empty for the provider's default, a
   * device index, or part of a device name. The caller owns it and closes it if it is {@link
   * AutoCloseable}.
   *
   * @throws RuntimeException with a clear message when the backend or the device is unavailable
   */
  Backend create(String deviceSpec);

  /**
   * Tries this backend's tuning parameters on the device {@code deviceSpec} names, reporting each
   * trial to {@code out}; with {@code write}, stores the best in the user's tuning table. Spends
   * about {@code secondsPerShape} on each candidate and shape.
   *
   * @throws UnsupportedOperationException when the backend has nothing to tune
   */
  default void tune(
      String deviceSpec,
      boolean write,
      double secondsPerShape,
      java.util.function.Consumer<String> out)
      throws java.io.IOException {
    throw new UnsupportedOperationException("backend '" + name() + "' has nothing to tune");
  }
}
