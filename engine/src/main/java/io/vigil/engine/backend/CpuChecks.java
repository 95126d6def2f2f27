package io.vigil.engine.backend;

import io.vigil.engine.tensor.Tensor;

/** Argument checks shared by the CPU backend's ops; each message names the op and the sizes. */
final class CpuChecks {

  private CpuChecks() {}

  static int checkLabel(int label, int classes, int row) {
    if (label < 0 || label >= classes) {
      throw new IllegalArgumentException(
          "label " + label + " of batch row " + row + " is outside [0, " + classes + ")");
    }
    return label;
  }

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

  static void requireChannels(String op, Tensor bias, int channels) {
    if (bias.size() != channels) {
      throw new IllegalArgumentException(
          op + ": expected " + channels + " values (one per channel), got " + bias.shape());
    }
  }

  static void checkSpan(String what, Tensor t, int offset, long floats) {
    if (offset < 0 || t.offset() + offset + floats > t.storage().capacity()) {
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
    if (offset < 0 || length < 0 || offset + length > t.size()) {
      throw new IllegalArgumentException(
          what + ": range [" + offset + ", " + (offset + length) + ") outside " + t);
    }
  }
}
