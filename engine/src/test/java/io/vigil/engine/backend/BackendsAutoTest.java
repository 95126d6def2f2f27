package io.vigil.engine.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.engine.backend.cpu.CpuBackend;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@code --device auto}: a GPU where a provider has one, else the CPU backend. */
class BackendsAutoTest {

  /** A provider whose devices are given; it records which one it was asked to create. */
  private static final class FakeProvider implements BackendProvider {
    final Optional<String> accelerator;
    final List<String> created = new ArrayList<>();

    FakeProvider(Optional<String> accelerator) {
      this.accelerator = accelerator;
    }

    @Override
    public String name() {
      return "fake";
    }

    @Override
    public Optional<String> unavailableReason() {
      return Optional.empty();
    }

    @Override
    public List<String> devices() {
      return List.of("#0 cpu-emulated [CPU]");
    }

    @Override
    public Optional<String> acceleratorDevice() {
      return accelerator;
    }

    @Override
    public Backend create(String deviceSpec) {
      created.add(deviceSpec);
      return CpuBackend.shared();
    }
  }

  @Test
  void aProviderWhoseOnlyDeviceIsTheHostCpuLosesToTheCpuBackend() {
    FakeProvider cpuOnly = new FakeProvider(Optional.empty());

    Backends.Choice choice = Backends.choose("auto", List.of(cpuOnly));

    assertSame(CpuBackend.shared(), choice.backend());
    assertEquals(List.of(), cpuOnly.created, "the CPU-only provider is not even opened");
    assertTrue(choice.describe().startsWith("device: cpu("), choice.describe());
    assertTrue(choice.describe().contains("auto: no GPU; fake: no GPU"), choice.describe());
  }

  @Test
  void aProviderWithAGpuIsChosenOnThatDevice() {
    FakeProvider gpu = new FakeProvider(Optional.of("1"));

    Backends.Choice choice = Backends.choose("auto", List.of(gpu));

    assertEquals(List.of("1"), gpu.created);
    assertEquals("auto: the first GPU", choice.reason());
  }

  @Test
  void aNamedBackendSaysItWasAskedFor() {
    assertEquals("asked for", Backends.choose("cpu", List.of()).reason());
  }
}
