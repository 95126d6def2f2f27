package io.vigil.opencl;

import java.util.Locale;
import java.util.Optional;
import org.lwjgl.opencl.CL;
import org.lwjgl.system.Configuration;

/**
 * Loads the OpenCL ICD loader once per process and remembers why if it could not. LWJGL looks for
 * {@code libOpenCL.so}, which Debian ships only in the {@code -dev} package; on Linux we ask for
 * {@code libOpenCL.so.1} (what {@code ocl-icd-libopencl1} installs) unless {@code
 * -Dorg.lwjgl.opencl.libname} says otherwise.
 */
final class OpenClLibrary {

  private static final class Loaded {
    static final Optional<String> FAILURE = load();
  }

  private OpenClLibrary() {}

  /** Empty when OpenCL can be called; otherwise why not (library missing, loader broken). */
  static Optional<String> failure() {
    return Loaded.FAILURE;
  }

  /** Throws a clear error when OpenCL cannot be called at all. */
  static void require() {
    failure()
        .ifPresent(
            why -> {
              throw new ClException("OpenCL is not available: " + why, 0);
            });
  }

  private static Optional<String> load() {
    boolean linux = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux");
    if (linux && System.getProperty("org.lwjgl.opencl.libname") == null) {
      Configuration.OPENCL_LIBRARY_NAME.set("libOpenCL.so.1");
    }
    try {
      // LWJGL's CL class loads the library in its static initialiser.
      CL.getFunctionProvider();
      return Optional.empty();
    } catch (UnsatisfiedLinkError | ExceptionInInitializerError | NoClassDefFoundError e) {
      return Optional.of(loadFailure(e));
    }
  }

  /**
   * One line saying why OpenCL could not be loaded and which Debian packages provide it: the
   * loader's own error cut to its first line.
   */
  static String loadFailure(Throwable e) {
    String raw = String.valueOf(e.getMessage() != null ? e.getMessage() : e.toString()).strip();
    String first = raw.lines().findFirst().orElse(e.getClass().getSimpleName()).strip();
    return "cannot load the OpenCL library ("
        + first
        + "); install the ICD loader ocl-icd-libopencl1 and a driver: pocl-opencl-icd for the CPU"
        + " or the GPU vendor's";
  }
}
