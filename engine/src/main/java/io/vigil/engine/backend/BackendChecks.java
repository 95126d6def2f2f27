package io.vigil.engine.backend;

import io.vigil.engine.tensor.IntTensor;
import io.vigil.engine.tensor.Shape;
import io.vigil.engine.tensor.Tensor;

/**
 * The argument checks of {@link Backend}'s ops: sizes, offsets, spans and labels. {@link Backend}'s
 * public ops make them, once, before they call a backend's implementation; each failure names the
 * op or operand and the numbers.
 */
public final class BackendChecks {

  private BackendChecks() {}

  public static void requireSameSize(String op, Tensor x, Tensor y) {
    if (x.size() != y.size()) {
      throw new IllegalArgumentException(
          op + ": tensors differ in size: " + x.shape() + " vs " + y.shape());
    }
  }

  public static void requireImages(String op, Tensor t, int perImage) {
    if (t.shape().perImage() != perImage) {
      throw new IllegalArgumentException(
          op + ": expected " + perImage + " values per image, tensor is " + t.shape());
    }
  }

  public static void requireChannels(String op, Tensor t, int channels) {
    if (t.size() != channels) {
      throw new IllegalArgumentException(
          op + ": expected " + channels + " values (one per channel), got " + t.shape());
    }
  }

  /** {@code floats} values from {@code offset} past the tensor's own offset fit its buffer. */
  public static void checkSpan(String what, Tensor t, int offset, long floats) {
    if (offset < 0 || t.offset() + (long) offset + floats > t.storage().capacity()) {
      throw new IllegalArgumentException(
          what
              + ": needs "
              + floats
              + " floats from offset "
              + offset
              + " but "
              + t
              + " holds "
              + (t.storage().capacity() - t.offset()));
    }
  }

  public static void checkRange(String what, Tensor t, int offset, int length) {
    if (offset < 0 || length < 0 || (long) offset + length > t.size()) {
      throw new IllegalArgumentException(
          what + ": range [" + offset + ", " + ((long) offset + length) + ") outside " + t);
    }
  }

  public static void checkArray(String what, int arrayLength, int offset, int length) {
    if (offset < 0 || length < 0 || (long) offset + length > arrayLength) {
      throw new IllegalArgumentException(
          what
              + ": range ["
              + offset
              + ", "
              + ((long) offset + length)
              + ") outside an array of "
              + arrayLength);
    }
  }

  public static int checkLabel(int label, int classes, int row) {
    if (label < 0 || label >= classes) {
      throw new IllegalArgumentException(
          "label " + label + " of batch row " + row + " is outside [0, " + classes + ")");
    }
    return label;
  }

  /**
   * The channel ranges of {@link Backend#copyChannels} fit both tensors of equal batch and plane.
   */
  public static void checkChannelCopy(
      Tensor src, int srcChannel, Tensor dst, int dstChannel, int channels) {
    Shape s = src.shape();
    Shape d = dst.shape();
    if (s.n() != d.n()
        || s.plane() != d.plane()
        || srcChannel < 0
        || dstChannel < 0
        || channels < 0
        || srcChannel + channels > s.c()
        || dstChannel + channels > d.c()) {
      throw new IllegalArgumentException(
          "copy channels: cannot copy "
              + channels
              + " channels from channel "
              + srcChannel
              + " of "
              + s
              + " to channel "
              + dstChannel
              + " of "
              + d);
    }
  }

  /** An int tensor holds the {@code length} values a transfer copies. */
  public static void checkIntRange(String what, IntTensor t, int length) {
    if (length > t.length()) {
      throw new IllegalArgumentException(
          what + ": " + length + " values, the int tensor holds " + t.length());
    }
  }

  /**
   * The spans a convolution's forward product reads and writes ({@link Backend#convolve}); {@code
   * cols} may be null where it is not written (inference).
   */
  public static void checkConvolution(
      Tensor images, ConvProduct p, Tensor cols, Tensor weights, Tensor out) {
    Window2d w = p.window();
    GemmOp op = p.op();
    requireImages("convolve", images, w.inPerImage());
    if (cols != null) {
      checkSpan("convolution columns", cols, 0, (long) images.shape().n() * w.colsPerImage());
    }
    checkSpan("convolution weights", weights, 0, weightSpan(p));
    checkSpan(
        "convolution output",
        out,
        0,
        (long) (op.batch() - 1) * op.strideC()
            + (long) (p.groups() - 1) * p.outStride()
            + op.spanC());
  }

  /**
   * The spans a convolution's input gradient reads and writes ({@link
   * Backend#convolveBackwardInput}).
   */
  public static void checkConvolutionGradient(
      Tensor dOut, ConvProduct p, Tensor cols, Tensor weights, Tensor dIn) {
    Window2d w = p.window();
    GemmOp op = p.op();
    requireImages("convolution input gradient", dIn, w.inPerImage());
    checkSpan("convolution columns", cols, 0, (long) dIn.shape().n() * w.colsPerImage());
    checkSpan("convolution weights", weights, 0, weightSpan(p));
    checkSpan(
        "convolution output gradient",
        dOut,
        0,
        (long) (op.batch() - 1) * op.strideB()
            + (long) (p.groups() - 1) * p.outStride()
            + op.spanB());
  }

  /** Floats of every group's weights. */
  private static long weightSpan(ConvProduct p) {
    GemmOp op = p.op();
    return (long) (p.groups() - 1) * p.weightStride()
        + (long) (op.batch() - 1) * op.strideA()
        + op.spanA();
  }

  /** Max pooling's input, output and switches fit its window. */
  public static void checkMaxPool(Tensor in, Window2d w, Tensor out, IntTensor switches) {
    requireImages("max pool input", in, w.inPerImage());
    requireImages("max pool output", out, w.outPerImage());
    long need = (long) in.shape().n() * w.outPerImage();
    if (switches.length() < need) {
      throw new IllegalArgumentException(
          "max pool: switches hold " + switches.length() + " ints, need " + need);
    }
  }

  /** Max pooling's gradients and switches fit its window and the batch of {@code dIn}. */
  public static void checkMaxPoolGradient(Tensor dOut, IntTensor switches, Window2d w, Tensor dIn) {
    int n = dIn.shape().n();
    requireImages("max pool gradient", dOut, w.outPerImage());
    requireImages("max pool input gradient", dIn, w.inPerImage());
    if (dOut.shape().n() < n || switches.length() < (long) n * w.outPerImage()) {
      throw new IllegalArgumentException(
          "max pool backward: "
              + n
              + " images need "
              + (long) n * w.outPerImage()
              + " switches and gradients, got "
              + switches.length()
              + " and "
              + dOut.shape());
    }
  }

  /** A normalisation's four vectors have one value per channel; {@code norm} may be null. */
  public static void checkNorm(Normalisation norm, int channels) {
    if (norm != null) {
      for (Tensor t : new Tensor[] {norm.mean(), norm.variance(), norm.gamma(), norm.beta()}) {
        requireChannels("batch norm", t, channels);
      }
    }
  }

  /** There is a label for every row of {@code probs}. */
  public static void checkLabelCount(Tensor probs, IntTensor labels) {
    int rows = probs.shape().n();
    if (labels.length() < rows) {
      throw new IllegalArgumentException(
          "cross-entropy: " + rows + " rows but only " + labels.length() + " labels");
    }
  }
}
