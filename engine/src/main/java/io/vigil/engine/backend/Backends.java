package io.vigil.engine.backend;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.ServiceLoader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Picks a backend from a device spec: {@code cpu} (always present), {@code NAME} or {@code
 * NAME:DEVICE} for a {@link BackendProvider} on the class path (e.g. {@code opencl}, {@code
 * opencl:1}, {@code opencl:nvidia}), or {@code auto}: the first available provider's default device
 * (OpenCL's default prefers a GPU), else the CPU. The choice is logged once; a named backend that
 * is unavailable is an error, never a silent fallback.
 */
public final class Backends {

  private static final Logger LOG = LoggerFactory.getLogger(Backends.class);

  public static final String CPU = "cpu";
  public static final String AUTO = "auto";

  private Backends() {}

  /** Every provider on the class path, in ServiceLoader order. */
  public static List<BackendProvider> providers() {
    return ServiceLoader.load(BackendProvider.class).stream()
        .map(ServiceLoader.Provider::get)
        .toList();
  }

  /** The names a spec may start with: cpu, auto and every provider's. */
  public static List<String> names() {
    List<String> names = new ArrayList<>(List.of(CPU, AUTO));
    providers().forEach(p -> names.add(p.name()));
    return names;
  }

  /**
   * The backend {@code spec} names; empty or null means cpu.
   *
   * @throws IllegalArgumentException for an unknown name, listing the known ones
   * @throws IllegalStateException when the named backend cannot run here, saying why
   */
  public static Backend create(String spec) {
    String s = spec == null ? "" : spec.trim();
    int colon = s.indexOf(':');
    String name = (colon < 0 ? s : s.substring(0, colon)).toLowerCase(Locale.ROOT);
    String device = colon < 0 ? "" : s.substring(colon + 1);
    if (name.isEmpty() || name.equals(CPU)) {
      return announce(CpuBackend.shared(), "asked for");
    }
    if (name.equals(AUTO)) {
      for (BackendProvider p : providers()) {
        Optional<String> why = p.unavailableReason();
        if (why.isEmpty()) {
          return announce(p.create(device), "auto");
        }
        LOG.info("backend {} not used: {}", p.name(), why.get());
      }
      return announce(CpuBackend.shared(), "auto, no other backend available");
    }
    for (BackendProvider p : providers()) {
      if (p.name().equalsIgnoreCase(name)) {
        Optional<String> why = p.unavailableReason();
        if (why.isPresent()) {
          throw new IllegalStateException(
              "backend '" + p.name() + "' is not available on this machine: " + why.get());
        }
        return announce(p.create(device), "asked for");
      }
    }
    throw new IllegalArgumentException("unknown backend '" + name + "'; known: " + names());
  }

  private static Backend announce(Backend backend, String how) {
    LOG.info("backend: {} ({})", backend.name(), how);
    return backend;
  }
}
