package io.vigil.opencl;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.engine.model.Model;
import io.vigil.engine.model.ModelFile;
import io.vigil.engine.model.ModelFileException;
import io.vigil.engine.model.Provenance;
import io.vigil.engine.network.Network;
import io.vigil.engine.network.NetworkSpec;
import io.vigil.engine.summary.NetworkSummary;
import io.vigil.engine.zoo.LeNet5;
import io.vigil.engine.zoo.ResNet;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A network that cannot fit on the device is refused when it is placed or when its executor is
 * made, before any of its buffers is allocated, with a message naming the network, the bytes, the
 * device and what it has. The device is PoCL's, with its memory capped ({@link
 * OpenClDevice#withMemoryLimits}) so that the refusals are reachable.
 */
class DeviceCapacityTest {

  private static final long MIB = 1L << 20;

  @TempDir Path dir;

  private static OpenClBackend capped(long globalBytes, long allocationBytes) {
    return OpenClBackend.on(Twin.CL.device().withMemoryLimits(globalBytes, allocationBytes));
  }

  private static String bytes(long value) {
    return String.format(Locale.ROOT, "%,d bytes", value);
  }

  @Test
  void aSmallNetworkIsAcceptedOnASmallDevice() {
    try (OpenClBackend small = capped(64 * MIB, 16 * MIB)) {
      Network net = Network.fromSpec(LeNet5.spec(10), small);
      net.initialise(1);
      assertDoesNotThrow(() -> net.newExecutor(64, true));
      assertTrue(small.liveBytes() > 0, "the executor's buffers were allocated");
    }
  }

  @Test
  void parametersTooBigForTheDeviceAreRefusedBeforeAnyAllocation() {
    NetworkSpec resnet = ResNet.resnet18(1000);
    NetworkSummary summary = NetworkSummary.of(resnet);
    // The parameters and saved statistics (46.8 MB); gradients wait for training.
    long needed = 4 * (summary.totalParameters() + summary.totalState());
    try (OpenClBackend small = capped(32 * MIB, 16 * MIB)) {
      IllegalStateException e =
          assertThrows(IllegalStateException.class, () -> Network.fromSpec(resnet, small));
      String m = e.getMessage();
      assertTrue(m.contains("network conv1…fc (") && m.contains("input 3×224×224"), m);
      assertTrue(m.contains("does not fit on OpenCL device " + small.device().name()), m);
      assertTrue(m.contains("it needs " + bytes(needed)), m);
      assertTrue(m.contains("the device has " + bytes(32 * MIB)), m);
      assertEquals(0, small.liveBytes(), "nothing may be allocated before the refusal");
    }
  }

  @Test
  void aBatchTooBigForTheDeviceIsRefusedWhenTheExecutorIsMade() {
    try (OpenClBackend small = capped(64 * MIB, 2048 * MIB)) {
      Network net = Network.fromSpec(LeNet5.spec(10), small);
      long placed = small.liveBytes();
      assertTrue(placed > 0, "parameters are on the device");
      IllegalStateException e =
          assertThrows(IllegalStateException.class, () -> net.newExecutor(4096, true));
      String m = e.getMessage();
      assertTrue(m.contains("for batches of 4096 with gradients"), m);
      assertTrue(m.contains("of which this backend already holds " + bytes(placed)), m);
      assertEquals(placed, small.liveBytes(), "the refused executor allocated nothing");
      // The same network at a batch that fits is still usable on that device.
      assertDoesNotThrow(() -> net.newExecutor(16, true));
    }
  }

  @Test
  void aBufferOverTheDevicesLargestAllocationIsNamed() {
    // ResNet-18's weights fit in 16 MiB buffers; conv1's columns for 8 images (8 × 147 × 112 × 112
    // floats, 59 MB) do not.
    try (OpenClBackend narrow = capped(Long.MAX_VALUE, 16 * MIB)) {
      Network net = Network.fromSpec(ResNet.resnet18(1000), narrow);
      long placed = narrow.liveBytes();
      IllegalStateException e =
          assertThrows(IllegalStateException.class, () -> net.newExecutor(8, false));
      String m = e.getMessage();
      assertTrue(m.contains("largest buffer: conv1 columns (im2col)]"), m);
      assertTrue(m.contains("its largest buffer needs " + bytes(4L * 8 * 147 * 112 * 112)), m);
      assertTrue(m.contains("at most " + bytes(16 * MIB)), m);
      assertEquals(placed, narrow.liveBytes());
    }
  }

  @Test
  void theEstimateNeverRefusesANetworkThatFits() {
    // What a predictor really allocates (executor plus its input) on an uncapped device…
    long parameters;
    long executor;
    try (OpenClBackend whole = OpenClBackend.on(Twin.CL.device())) {
      Network net = Network.fromSpec(LeNet5.spec(10), whole);
      parameters = whole.liveBytes();
      net.newExecutor(32, false);
      whole.allocate(net.inputShape().withBatch(32));
      executor = whole.liveBytes() - parameters;
    }
    // …fits on a device of exactly that size, and is refused up front on one a tenth smaller.
    try (OpenClBackend exact = capped(parameters + executor, 2048 * MIB)) {
      Network net = Network.fromSpec(LeNet5.spec(10), exact);
      assertDoesNotThrow(() -> net.newExecutor(32, false));
    }
    try (OpenClBackend tight = capped(parameters + executor * 9 / 10, 2048 * MIB)) {
      Network net = Network.fromSpec(LeNet5.spec(10), tight);
      assertThrows(IllegalStateException.class, () -> net.newExecutor(32, false));
    }
  }

  @Test
  void aModelFileTooBigForTheDeviceIsRefusedNamingTheFileAndModel() throws Exception {
    Model model =
        Model.create(
            "lenet5-capacity",
            LeNet5.create(3),
            LeNet5.INPUT,
            List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"),
            new Provenance("none", 0, 0.0, null, "2026-11-24T00:00:00Z", "test"));
    Path file = dir.resolve("lenet5-capacity.vgl");
    ModelFile.save(model, file);
    // LeNet-5's 61,706 parameters need 246,824 bytes (gradients wait for training).
    try (OpenClBackend tiny = capped(128 * 1024, 256 * 1024)) {
      ModelFileException e =
          assertThrows(ModelFileException.class, () -> ModelFile.load(file, tiny));
      String m = e.getMessage();
      assertTrue(m.startsWith(file + ": model lenet5-capacity cannot be placed"), m);
      assertTrue(m.contains("it needs " + bytes(246_824)), m);
      assertEquals(0, tiny.liveBytes());
    }
    try (OpenClBackend enough = capped(64 * MIB, 16 * MIB)) {
      assertEquals(model.version(), ModelFile.load(file, enough).version());
    }
  }
}
