package io.vigil.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.vigil.engine.backend.Backend;
import io.vigil.engine.backend.Backends;
import io.vigil.engine.backend.cpu.CpuBackend;
import io.vigil.engine.model.Model;
import io.vigil.engine.network.Network;
import io.vigil.engine.zoo.ModelZoo;
import org.junit.jupiter.api.Test;

/**
 * Weights are read through the backend that owns them: a model on OpenCL (PoCL here) exports the
 * same bytes as the same model on the CPU.
 */
class OnnxExportBackendTest {

  private static Model vggSmall(Backend backend) {
    ModelZoo.Entry entry = ModelZoo.get("vgg-small");
    Network network = entry.create(13, 10, backend);
    ExportFixtures.perturb(network, 13);
    return Model.create(
        "vgg-small",
        network,
        entry.input(),
        ExportFixtures.classNames(10),
        ExportFixtures.PROVENANCE);
  }

  @Test
  void aModelOnOpenClExportsTheSameBytesAsOnTheCpu() throws Exception {
    Backend cl = Backends.create("opencl");
    try {
      assertNotEquals(CpuBackend.class, cl.getClass(), "the test needs a device backend");
      byte[] onCpu = OnnxExport.toBytes(vggSmall(CpuBackend.shared()));
      byte[] onCl = OnnxExport.toBytes(vggSmall(cl));
      assertArrayEquals(onCpu, onCl);
    } finally {
      if (cl instanceof AutoCloseable closeable) {
        closeable.close();
      }
    }
  }
}
