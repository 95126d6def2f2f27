package io.vigil.engine.backend.cpu;

import static io.vigil.engine.backend.BackendChecks.checkLabel;

import io.vigil.engine.tensor.IntTensor;
import io.vigil.engine.tensor.Tensor;

/** The softmax of {@link CpuBackend}, its backward, and the cross-entropy loss on its output. */
final class CpuSoftmaxLoss {

  private final CpuBackend backend;

  CpuSoftmaxLoss(CpuBackend backend) {
    this.backend = backend;
  }

  void softmax(Tensor logits, Tensor probs) {
    int rows = logits.shape().n();
    int cols = logits.shape().perImage();
    CpuActivationOps.softmax(
        backend.data(logits), logits.offset(), backend.data(probs), probs.offset(), rows, cols);
  }

  void softmaxBackward(Tensor probs, Tensor dProbs, Tensor dLogits) {
    CpuActivationOps.softmaxBackward(
        backend.data(probs),
        probs.offset(),
        backend.data(dProbs),
        dProbs.offset(),
        backend.data(dLogits),
        dLogits.offset(),
        probs.shape().n(),
        probs.shape().perImage());
  }

  double crossEntropySum(Tensor probs, IntTensor labels) {
    int rows = probs.shape().n();
    int cols = probs.shape().perImage();
    int[] y = backend.ints(labels);
    float[] p = backend.data(probs);
    double sum = 0;
    for (int r = 0; r < rows; r++) {
      int label = checkLabel(y[r], cols, r);
      // Clamp so a confidently wrong prediction gives a large finite loss, not infinity.
      sum -= Math.log(Math.max(p[probs.offset() + r * cols + label], 1e-30f));
    }
    return sum;
  }

  void softmaxCrossEntropyBackward(Tensor probs, IntTensor labels, float scale, Tensor dLogits) {
    int rows = probs.shape().n();
    int cols = probs.shape().perImage();
    int[] y = backend.ints(labels);
    float[] p = backend.data(probs);
    float[] d = backend.data(dLogits);
    for (int r = 0; r < rows; r++) {
      int po = probs.offset() + r * cols;
      int dOff = dLogits.offset() + r * cols;
      int label = checkLabel(y[r], cols, r);
      for (int j = 0; j < cols; j++) {
        d[dOff + j] = scale * (p[po + j] - (j == label ? 1f : 0f));
      }
    }
  }
}
