package io.vigil.engine.backend;

import io.vigil.engine.tensor.Shape;
import io.vigil.engine.tensor.Tensor;

/**
 * Argument checks every backend makes before it touches memory: sizes, offsets, spans and labels.
 * Each failure names the op or operand and the numbers.
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
}
