package io.vigil.onnx;

import io.vigil.onnx.OnnxFixtures.Case;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every fixture imported straight onto the OpenCL backend ({@link OnnxFixtures#openCl}: PoCL on a
 * machine without a GPU) gives PyTorch's outputs within {@code 1e-4 · max|reference|}, as on the
 * CPU ({@link ConformanceCpuTest}): torchvision's AlexNet, VGG-11, GoogLeNet and ResNet-18, the
 * trained LeNet-5 and the one-operator models.
 */
class ConformanceOpenClTest {

  static List<Case> cases() {
    return OnnxFixtures.cases();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void importedModelGivesPyTorchsOutputsOnOpenCl(Case c) throws Exception {
    OnnxFixtures.checkAgainstPyTorch(c, OnnxFixtures.openCl());
  }
}
