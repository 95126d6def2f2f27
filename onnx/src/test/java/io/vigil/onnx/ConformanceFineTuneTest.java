package io.vigil.onnx;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.engine.backend.cpu.CpuBackend;
import io.vigil.engine.data.FashionMnist;
import io.vigil.engine.data.ImageTensors;
import io.vigil.engine.data.LabeledImages;
import io.vigil.engine.model.InputContract;
import io.vigil.engine.model.Model;
import io.vigil.engine.model.Predictor;
import io.vigil.engine.model.Provenance;
import io.vigil.engine.train.Evaluation;
import io.vigil.engine.train.Trainer;
import io.vigil.engine.train.TrainingConfig;
import io.vigil.engine.train.TrainingListener;
import io.vigil.engine.train.TrainingResult;
import org.junit.jupiter.api.Test;

/**
 * The imported LeNet-5 (PyTorch trained it one epoch) trains further with vigil's own trainer, as
 * {@code vigil train --model imported.vgl} does (the trainer on the model's network, in place): one
 * more epoch over the 60,000 Fashion-MNIST training images lowers its loss and raises its accuracy
 * on the 10,000 test images, which neither PyTorch nor vigil trained on. A network the import left
 * untrainable (gradients not reaching imported weights, frozen layers, a wrong layout the forward
 * pass happens to tolerate) fails one or the other.
 */
class ConformanceFineTuneTest {

  @Test
  void importedLeNetTrainsFurtherAndImproves() throws Exception {
    Model imported = OnnxFixtures.get("lenet5").read(CpuBackend.shared());
    LabeledImages train = FashionMnist.train(FashionMnist.DEFAULT_DIR);
    LabeledImages test = FashionMnist.test(FashionMnist.DEFAULT_DIR);
    double lossBefore = meanLoss(imported, test);
    double accuracyBefore = Evaluation.evaluate(imported, test).accuracy();

    // SGD with momentum at a rate below the one PyTorch trained with: a fine-tune, not a restart.
    TrainingConfig config = new TrainingConfig(1, 64, 0.01f, 0.9f, 0f, 42L);
    TrainingResult result =
        new Trainer(imported.network(), imported.input(), config)
            .fit(train, test, TrainingListener.silent());
    Model tuned =
        Model.create(
            imported.name() + "-tuned",
            imported.network(),
            imported.input(),
            imported.classNames(),
            new Provenance(
                "fashion-mnist",
                1,
                result.testAccuracy(),
                imported.version(),
                "2026-01-01T00:00:00Z",
                "fine-tune"));
    double lossAfter = meanLoss(tuned, test);
    double accuracyAfter = Evaluation.evaluate(tuned, test).accuracy();
    System.out.printf(
        "conformance lenet5 fine-tune: test loss %.4f -> %.4f, test accuracy %.2f %% -> %.2f %%,"
            + " training loss of the epoch %.4f%n",
        lossBefore, lossAfter, 100 * accuracyBefore, 100 * accuracyAfter, result.finalLoss());
    assertTrue(
        lossAfter < lossBefore,
        "test loss after one more epoch " + lossAfter + ", before " + lossBefore);
    assertTrue(
        accuracyAfter > accuracyBefore,
        "test accuracy after one more epoch " + accuracyAfter + ", before " + accuracyBefore);
  }

  /** Mean cross-entropy, −ln p(label), over {@code data}. */
  private static double meanLoss(Model model, LabeledImages data) {
    InputContract contract = model.input();
    int classes = model.classNames().size();
    int batch = 500;
    float[] input = new float[batch * contract.size()];
    float[] probabilities = new float[batch * classes];
    double sum = 0;
    try (Predictor predictor = model.newPredictor(batch)) {
      for (int start = 0; start < data.count(); start += batch) {
        int n = Math.min(batch, data.count() - start);
        for (int i = 0; i < n; i++) {
          ImageTensors.normalise(data, start + i, contract, input, i * contract.size());
        }
        predictor.predict(input, n, probabilities);
        for (int i = 0; i < n; i++) {
          float p = probabilities[i * classes + data.labels()[start + i]];
          sum -= Math.log(Math.max(p, 1e-30));
        }
      }
    }
    return sum / data.count();
  }
}
