package io.vigil.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.vigil.engine.backend.Backend;
import io.vigil.engine.backend.cpu.CpuBackend;
import io.vigil.engine.data.FashionMnist;
import io.vigil.engine.data.ImageTensors;
import io.vigil.engine.data.LabeledImages;
import io.vigil.engine.model.InputContract;
import io.vigil.engine.model.Model;
import io.vigil.engine.model.Predictor;
import io.vigil.engine.train.Evaluation;
import io.vigil.onnx.OnnxFixtures.Case;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The LeNet-5 PyTorch trained on Fashion-MNIST, imported with default options: it takes 1×28×28
 * pixels scaled to [0, 1] with no mean or std (the convention PyTorch trained it with), and on
 * every one of the 10,000 test images, read and normalised by vigil's own data path, it predicts
 * the class PyTorch predicted; so its test accuracy equals PyTorch's to the last image. On the CPU
 * and on OpenCL.
 */
class ConformanceLeNetTest {

  private static final int BATCH = 500;

  private static Case lenet;
  private static LabeledImages test;
  private static byte[] pytorchPredictions;

  @BeforeAll
  static void load() throws IOException {
    lenet = OnnxFixtures.get("lenet5");
    test = FashionMnist.test(FashionMnist.DEFAULT_DIR);
    pytorchPredictions = Files.readAllBytes(OnnxFixtures.DIR.resolve("lenet5.predictions.bin"));
    assertEquals(test.count(), pytorchPredictions.length, "PyTorch's predictions, one per image");
  }

  @Test
  void importTakesToTensorsConvention() throws Exception {
    Model model = lenet.read(CpuBackend.shared());
    InputContract contract = model.input();
    assertEquals(
        List.of(1, 28, 28), List.of(contract.channels(), contract.height(), contract.width()));
    assertEquals(0f, contract.mean(), "mean: none in the file, none on the command line");
    assertEquals(1f, contract.std(), "std: none in the file, none on the command line");
    assertEquals(10, model.classNames().size());
  }

  @Test
  void cpuPredictsPyTorchsClassOnEveryTestImage() throws Exception {
    checkPredictions(CpuBackend.shared());
  }

  @Test
  void openClPredictsPyTorchsClassOnEveryTestImage() throws Exception {
    checkPredictions(OnnxFixtures.openCl());
  }

  @Test
  void testAccuracyEqualsPyTorchsToTheLastImage() throws Exception {
    Model model = lenet.read(CpuBackend.shared());
    double accuracy = Evaluation.evaluate(model, test).accuracy();
    int correct = lenet.entry().get("test_correct").asInt();
    assertEquals(
        correct,
        Math.round(accuracy * test.count()),
        "images right out of " + test.count() + ": PyTorch " + correct + ", vigil");
    System.out.printf(
        "conformance lenet5 test accuracy: vigil %.2f %%, PyTorch %.2f %%%n",
        100 * accuracy, 100.0 * correct / test.count());
  }

  private static void checkPredictions(Backend backend) throws Exception {
    Model model = lenet.read(backend);
    InputContract contract = model.input();
    int classes = model.classNames().size();
    float[] input = new float[BATCH * contract.size()];
    float[] probabilities = new float[BATCH * classes];
    byte[] predicted = new byte[test.count()];
    List<String> differing = new ArrayList<>();
    try (Predictor predictor = model.newPredictor(BATCH)) {
      for (int start = 0; start < test.count(); start += BATCH) {
        int n = Math.min(BATCH, test.count() - start);
        for (int i = 0; i < n; i++) {
          ImageTensors.normalise(test, start + i, contract, input, i * contract.size());
        }
        predictor.predict(input, n, probabilities);
        for (int i = 0; i < n; i++) {
          int best = argmax(probabilities, i * classes, classes);
          predicted[start + i] = (byte) best;
          int theirs = pytorchPredictions[start + i];
          if (best != theirs && differing.size() < 10) {
            differing.add(
                String.format(
                    "image %d: vigil %d (p %.6f), PyTorch %d (p %.6f)",
                    start + i,
                    best,
                    probabilities[i * classes + best],
                    theirs,
                    probabilities[i * classes + theirs]));
          }
        }
      }
    }
    if (!differing.isEmpty()) {
      int count = 0;
      for (int i = 0; i < predicted.length; i++) {
        count += predicted[i] != pytorchPredictions[i] ? 1 : 0;
      }
      fail(
          "on "
              + backend.name()
              + ", "
              + count
              + " of "
              + test.count()
              + " test images get another class than PyTorch's, the first:\n"
              + String.join("\n", differing));
    }
    assertArrayEquals(pytorchPredictions, predicted);
  }

  private static int argmax(float[] values, int offset, int length) {
    int best = 0;
    for (int j = 1; j < length; j++) {
      if (values[offset + j] > values[offset + best]) {
        best = j;
      }
    }
    return best;
  }
}
