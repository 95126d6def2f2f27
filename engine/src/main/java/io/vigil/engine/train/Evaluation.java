package io.vigil.engine.train;

import io.vigil.engine.data.ImageTensors;
import io.vigil.engine.data.LabeledImages;
import io.vigil.engine.model.InputContract;
import io.vigil.engine.model.Model;
import io.vigil.engine.model.Predictor;
import java.util.function.IntConsumer;

/**
 * Accuracy and confusion matrix of a model on labeled images (prediction = most probable class).
 */
public final class Evaluation {

  private static final int BATCH = 256;

  private Evaluation() {}

  public static EvaluationResult evaluate(Model model, LabeledImages data) {
    return evaluate(model, data, done -> {});
  }

  /**
   * As {@link #evaluate(Model, LabeledImages)}, telling {@code progress} how many images are done
   * after every batch.
   */
  public static EvaluationResult evaluate(Model model, LabeledImages data, IntConsumer progress) {
    InputContract contract = model.input();
    int classes = model.classNames().size();
    int[][] confusion = new int[classes][classes];
    float[] input = new float[BATCH * contract.size()];
    float[] probs = new float[BATCH * classes];
    try (Predictor predictor = model.newPredictor(BATCH)) {
      for (int start = 0; start < data.count(); start += BATCH) {
        int n = Math.min(BATCH, data.count() - start);
        for (int i = 0; i < n; i++) {
          ImageTensors.normalise(data, start + i, contract, input, i * contract.size());
        }
        predictor.predict(input, n, probs);
        for (int i = 0; i < n; i++) {
          int label = data.labels()[start + i];
          if (label < 0 || label >= classes) {
            throw new IllegalArgumentException(
                "image "
                    + (start + i)
                    + " has label "
                    + label
                    + " but model "
                    + model.version()
                    + " knows "
                    + classes
                    + " classes");
          }
          confusion[label][argmax(probs, i * classes, classes)]++;
        }
        progress.accept(start + n);
      }
    }
    return new EvaluationResult(accuracy(confusion, data.count()), confusion);
  }

  static int argmax(float[] values, int offset, int length) {
    int best = 0;
    for (int j = 1; j < length; j++) {
      if (values[offset + j] > values[offset + best]) {
        best = j;
      }
    }
    return best;
  }

  static double accuracy(int[][] confusion, int count) {
    long correct = 0;
    for (int i = 0; i < confusion.length; i++) {
      correct += confusion[i][i];
    }
    return count == 0 ? 0 : (double) correct / count;
  }
}
