package io.vigil.onnx;

import io.vigil.engine.backend.cpu.CpuBackend;
import io.vigil.onnx.OnnxFixtures.Case;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every PyTorch-exported fixture ({@link OnnxFixtures}: torchvision's AlexNet, VGG-11, GoogLeNet
 * and ResNet-18, the trained LeNet-5, the one-operator models at two opsets each) imported and run
 * on the CPU backend gives PyTorch's outputs within {@code 1e-4 · max|reference|}.
 */
class ConformanceCpuTest {

  static List<Case> cases() {
    return OnnxFixtures.cases();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void importedModelGivesPyTorchsOutputs(Case c) throws Exception {
    OnnxFixtures.checkAgainstPyTorch(c, CpuBackend.shared());
  }
}
