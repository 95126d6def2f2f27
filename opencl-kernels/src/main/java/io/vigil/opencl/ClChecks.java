package io.vigil.opencl;

import io.vigil.engine.tensor.Tensor;

/**
 * Argument checks of the OpenCL backend, made on the host before anything is enqueued (a kernel
 * that reads out of bounds fails silently or crashes the driver). Each message names the op and the
 * sizes.
 */
final class ClChecks {

  private ClChecks() {}

  static void requireSameSize(String op, Tensor x, Tensor y) {
    if (x.size() != y.size()) {
      throw new IllegalArgumentException(
          op + ": tensors differ in size: " + x.shape() + " vs " + y.shape());
    }
  }

  static void requireImages(String op, Tensor t, int perImage) {
    if (t.shape().perImage() != perImage) {
      throw new IllegalArgumentException(
          op + ": expected " + perImage + " values per image, tensor is " + t.shape());
    }
  }

  static void requireChannels(String op, Tensor t, int channels) {
    if (t.size() != channels) {
      throw new IllegalArgumentException(
          op + ": expected " + channels + " values (one per channel), got " + t.shape());
    }
  }

  /** {@code floats} values from {@code offset} past the tensor's own offset fit its buffer. */
  static void checkSpan(String what, Tensor t, int offset, long floats) {
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

  static void checkRange(String what, Tensor t, int offset, int length) {
    if (offset < 0 || length < 0 || (long) offset + length > t.size()) {
      throw new IllegalArgumentException(
          what + ": range [" + offset + ", " + ((long) offset + length) + ") outside " + t);
    }
  }

  static void checkArray(String what, int arrayLength, int offset, int length) {
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

  static int checkLabel(int label, int classes, int row) {
    if (label < 0 || label >= classes) {
      throw new IllegalArgumentException(
          "label " + label + " of batch row " + row + " is outside [0, " + classes + ")");
    }
    return label;
  }
}
