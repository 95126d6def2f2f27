package io.vigil.engine.backend;

import io.vigil.engine.backend.cpu.CpuBackend;
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
 * opencl:1}, {@code opencl:nvidia}), or {@code auto}: the first GPU a provider offers ({@link
 * BackendProvider#acceleratorDevice}), else the CPU (an OpenCL device that is the host CPU is no
 * faster than the CPU backend). The choice is logged once; a named backend that is unavailable is
 * an error, never a silent fallback.
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
    return choose(spec).backend();
  }

  /**
   * A backend and why it was chosen, for the line a command prints at start.
   *
   * @param backend the backend, owned by the caller
   * @param reason "asked for", or what {@code auto} found
   */
  public record Choice(Backend backend, String reason) {

    /** One line: {@code device: cpu(8 threads) (auto: no GPU; opencl: no GPU)}. */
    public String describe() {
      return "device: " + backend.name() + " (" + reason + ")";
    }
  }

  /** As {@link #create}, with the reason for the choice; the choice is logged once. */
  public static Choice choose(String spec) {
    return choose(spec, providers());
  }

  static Choice choose(String spec, List<BackendProvider> providers) {
    String s = spec == null ? "" : spec.trim();
    int colon = s.indexOf(':');
    String name = (colon < 0 ? s : s.substring(0, colon)).toLowerCase(Locale.ROOT);
    String device = colon < 0 ? "" : s.substring(colon + 1);
    if (name.isEmpty() || name.equals(CPU)) {
      return announce(CpuBackend.shared(), "asked for");
    }
    if (name.equals(AUTO)) {
      // A GPU if a provider has one; otherwise the CPU backend, which beats any backend that
      // runs on the same CPU (OpenCL on PoCL).
      List<String> passed = new ArrayList<>();
      for (BackendProvider p : providers) {
        Optional<String> why = p.unavailableReason();
        if (why.isPresent()) {
          passed.add(p.name() + " not available");
          LOG.info("backend {} not used: {}", p.name(), why.get());
          continue;
        }
        Optional<String> accelerator = p.acceleratorDevice();
        if (accelerator.isPresent()) {
          return announce(p.create(accelerator.get()), "auto: the first GPU");
        }
        passed.add(p.name() + ": no GPU");
      }
      return announce(
          CpuBackend.shared(),
          "auto: no GPU" + (passed.isEmpty() ? "" : "; " + String.join(", ", passed)));
    }
    for (BackendProvider p : providers) {
      if (p.name().equalsIgnoreCase(name)) {
        Optional<String> why = p.unavailableReason();
        if (why.isPresent()) {
          throw new IllegalStateException(
              "backend '" + p.name() + "' is not available on this machine: " + why.get());
        }
        return announce(p.create(device), "asked for");
      }
    }
    List<String> names = new ArrayList<>(List.of(CPU, AUTO));
    providers.forEach(p -> names.add(p.name()));
    throw new IllegalArgumentException("unknown backend '" + name + "'; known: " + names);
  }

  private static Choice announce(Backend backend, String how) {
    LOG.info("backend: {} ({})", backend.name(), how);
    return new Choice(backend, how);
  }
}
