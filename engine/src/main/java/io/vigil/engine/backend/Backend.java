package io.vigil.engine.backend;

import io.vigil.engine.tensor.IntTensor;
import io.vigil.engine.tensor.Shape;
import io.vigil.engine.tensor.Tensor;

/**
 * The primitive ops layers are written in; the small closed set a backend must implement. Tensors
 * passed to an op must be owned by this backend. The batch size of an op is that of its main input;
 * scratch tensors ({@code cols}, switches) may be larger than needed.
 *
 * <p>Ops that write a result overwrite it unless their name says {@code accumulate}. Ops may run on
 * the backend's threads but return only when their result is complete. A backend is safe to use
 * from several threads at once as long as they do not share output tensors.
 */
public interface Backend {

  /** A short name for messages and logs, e.g. {@code cpu(2 threads)}. */
  String name();

  // --- memory ------------------------------------------------------------------------------

  /** A new zero-filled tensor. */
  Tensor allocate(Shape shape);

  /** A new zero-filled int buffer. */
  IntTensor allocateInts(int length);

  /** Copies {@code length} floats from the host array into {@code dst} from {@code dstOffset}. */
  void upload(float[] src, int srcOffset, Tensor dst, int dstOffset, int length);

  /** Copies {@code length} floats of {@code src} from {@code srcOffset} into a host array. */
  void download(Tensor src, int srcOffset, float[] dst, int dstOffset, int length);

  /** Copies {@code length} ints from a host array into {@code dst} from index 0. */
  void uploadInts(int[] src, int srcOffset, IntTensor dst, int length);

  /** {@code dst = src}; sizes must match. */
  void copy(Tensor src, Tensor dst);

  /** Every value of {@code t} becomes {@code value}. */
  void fill(Tensor t, float value);

  // --- linear algebra ----------------------------------------------------------------------

  /**
   * Runs {@code op} on A, B, C starting at the given offsets within the tensors. {@code workspace}
   * is needed only when {@link GemmOp#sumsOverBatch()}; size it with {@link
   * #gemmWorkspaceSize(GemmOp)}; otherwise it may be null.
   */
  void gemm(
      GemmOp op,
      Tensor a,
      int aOffset,
      Tensor b,
      int bOffset,
      Tensor c,
      int cOffset,
      Tensor workspace);

  /** Floats of workspace {@link #gemm} needs for {@code op} (0 if none). */
  int gemmWorkspaceSize(GemmOp op);

  /** {@code y += a·x}. */
  void axpy(float a, Tensor x, Tensor y);

  /** {@code x *= a}. */
  void scale(Tensor x, float a);

  // --- convolution and pooling -------------------------------------------------------------

  /**
   * Unfolds every image of {@code images} ({@code n × C × H × W}) into its column matrix: for image
   * i, {@code cols[i][(c·kH + dy)·kW + dx][oy·outW + ox] = x[i][c][oy·sH − pH + dy][ox·sW − pW +
   * dx]} (0 outside the image).
   */
  void im2col(Tensor images, Window2d window, Tensor cols);

  /** The adjoint of {@link #im2col}: sums column entries back into {@code images} (overwritten). */
  void col2im(Tensor cols, Window2d window, Tensor images);

  /**
   * Max over each window, channel by channel: {@code out} is {@code n × C × outH × outW}; {@code
   * switches[j]} records the input index (within the image) that won output {@code j}. Padding
   * cells never win.
   */
  void maxPoolForward(Tensor in, Window2d window, Tensor out, IntTensor switches);

  /** Routes each output gradient to the input its switch names; {@code dIn} is overwritten. */
  void maxPoolBackward(Tensor dOut, IntTensor switches, Window2d window, Tensor dIn);

  // --- elementwise and reductions ----------------------------------------------------------

  /** {@code out = max(0, in)}. */
  void relu(Tensor in, Tensor out);

  /** {@code dIn = out > 0 ? dOut : 0}, given the forward output. */
  void reluBackward(Tensor out, Tensor dOut, Tensor dIn);

  /** {@code t[n][c][·] += bias[c]}; {@code bias} has {@code C} values. */
  void addChannelBias(Tensor t, Tensor bias);

  /** {@code dBias[c] += Σ_{n,h,w} dOut[n][c][h][w]}. */
  void accumulateChannelBiasGrad(Tensor dOut, Tensor dBias);

  /** Row-wise softmax over the {@code C·H·W} values of each image: {@code p = e^{x−max}/Σ}. */
  void softmax(Tensor logits, Tensor probs);

  /** {@code Σ_i −ln p[i][label_i]} over the batch of {@code probs}, clamped away from ln 0. */
  double crossEntropySum(Tensor probs, IntTensor labels);

  /** {@code dLogits[i][j] = scale · (p[i][j] − [j = label_i])}, the gradient of scaled CE. */
  void softmaxCrossEntropyBackward(Tensor probs, IntTensor labels, float scale, Tensor dLogits);
}
