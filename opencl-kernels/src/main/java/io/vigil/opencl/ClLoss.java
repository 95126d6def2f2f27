package io.vigil.opencl;

import static io.vigil.engine.backend.BackendChecks.checkLabel;
import static org.lwjgl.opencl.CL10.clEnqueueReadBuffer;

import io.vigil.engine.tensor.IntTensor;
import io.vigil.engine.tensor.Tensor;
import java.nio.FloatBuffer;

/**
 * The cross-entropy loss of {@link OpenClBackend} and its gradient through the softmax. Labels are
 * checked on the host against the copy {@code uploadInts} keeps; the per-row losses come back to
 * the host and are summed there in double.
 */
final class ClLoss {

  private final ClLauncher ops;
  private final ClMemory memory;
  private final ClStaging staging;
  private ClBuffer lossRows;

  ClLoss(ClLauncher ops, ClMemory memory, ClStaging staging) {
    this.ops = ops;
    this.memory = memory;
    this.staging = staging;
  }

  double crossEntropySum(Tensor probs, IntTensor labels) {
    int rows = probs.shape().n();
    int cols = probs.shape().perImage();
    checkLabels(labels, rows, cols);
    if (rows == 0) {
      return 0;
    }
    if (lossRows == null || lossRows.capacity() < rows) {
      if (lossRows != null) {
        memory.free(lossRows);
      }
      lossRows = memory.allocateScratch(rows, "loss rows");
    }
    ops.tensor(ops.launch("activation", "cross_entropy_rows"), probs)
        .mem(ops.ints(labels))
        .mem(lossRows)
        .i(rows)
        .i(cols)
        .run1d(rows);
    FloatBuffer data = staging.acquire(4L * rows).asFloatBuffer();
    data.limit(rows);
    ClErrors.check(
        clEnqueueReadBuffer(ops.cl().queue(), lossRows.mem(), true, 0, data, null, null),
        "clEnqueueReadBuffer");
    // Summed in double on the host, as the CPU backend does.
    double sum = 0;
    for (int r = 0; r < rows; r++) {
      sum += data.get(r);
    }
    return sum;
  }

  void softmaxCrossEntropyBackward(Tensor probs, IntTensor labels, float scale, Tensor dLogits) {
    int rows = probs.shape().n();
    int cols = probs.shape().perImage();
    checkLabels(labels, rows, cols);
    ops.tensor(ops.launch("activation", "softmax_ce_backward"), probs)
        .mem(ops.ints(labels))
        .f(scale)
        .tensor(dLogits)
        .i(rows)
        .i(cols)
        .run1d((long) rows * cols);
  }

  private void checkLabels(IntTensor labels, int rows, int cols) {
    ClBuffer b = ops.ints(labels);
    if (b.hostInts == null) {
      throw new IllegalArgumentException(
          "cross-entropy: labels must be uploaded with uploadInts before use");
    }
    for (int r = 0; r < rows; r++) {
      checkLabel(b.hostInts[r], cols, r);
    }
  }
}
