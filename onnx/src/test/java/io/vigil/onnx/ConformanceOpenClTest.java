package io.vigil.onnx;

import io.vigil.onnx.OnnxFixtures.Case;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The fixtures imported straight onto the OpenCL backend ({@link OnnxFixtures#openCl}: PoCL on a
 * machine without a GPU) give PyTorch's outputs within {@code 1e-4 · max(1, max|reference|)}, as on
 * the CPU: every one-operator model, LeNet-5, GoogLeNet and both ResNet-18 forms.
 *
 * <p>AlexNet and VGG-11 run on the CPU only ({@link ConformanceCpuTest}): their import alone (228
 * and 515 MB of weights) takes 15–25 s on two cores, and every operator they hold (Conv, MaxPool,
 * AveragePool, Gemm, Relu, Flatten, Identity) is run on OpenCL here by the one-operator models and
 * the ResNets.
 */
class ConformanceOpenClTest {

  private static final Set<String> CPU_ONLY = Set.of("alexnet", "vgg11");

  static List<Case> cases() {
    return OnnxFixtures.cases().stream().filter(c -> !CPU_ONLY.contains(c.name())).toList();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void importedModelGivesPyTorchsOutputsOnOpenCl(Case c) throws Exception {
    OnnxFixtures.checkAgainstPyTorch(c, OnnxFixtures.openCl());
  }
}
