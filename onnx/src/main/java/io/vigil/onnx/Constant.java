package io.vigil.onnx;

import java.util.Arrays;

/**
 * A tensor whose value the file fixes (an initializer or a {@code Constant} node's output): its
 * dimensions and its values, as floats for float and double tensors, as longs for integer tensors
 * (shapes and pads). Exactly one of {@code floats} and {@code ints} is non-null.
 */
record Constant(long[] dims, float[] floats, long[] ints) {

  int rank() {
    return dims.length;
  }

  int count() {
    return floats != null ? floats.length : ints.length;
  }

  boolean isFloat() {
    return floats != null;
  }

  /** The dimensions as text, {@code [64, 3, 7, 7]}. */
  String dimsText() {
    return Arrays.toString(dims);
  }

  /** The number of values a shape holds, or -1 when it exceeds what one array can hold. */
  static long elements(long[] dims) {
    long n = 1;
    for (long d : dims) {
      if (d < 0) {
        return -1;
      }
      if (d != 0 && n > (Integer.MAX_VALUE - 8) / d) {
        return -1;
      }
      n *= d;
    }
    return n;
  }
}
