package io.vigil.onnx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import onnx.Onnx.TensorProto;
import onnx.Onnx.TensorProto.DataType;

/**
 * Decodes a {@link TensorProto} into a {@link Constant}. The element count is checked against the
 * bytes actually present before anything is allocated, so a file that declares huge or negative
 * dimensions is refused instead of exhausting memory: what is allocated is never more than the file
 * holds.
 */
final class TensorValues {

  private TensorValues() {}

  /** Decodes {@code t}; {@code what} names it in messages (file and tensor). */
  static Constant read(TensorProto t, String what) throws OnnxFormatException {
    if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL || t.getExternalDataCount() > 0) {
      throw new OnnxFormatException(
          what
              + ": the values are stored in an external file, which vigil does not read; save"
              + " the model with its weights inside the .onnx file");
    }
    if (t.hasSegment()) {
      throw new OnnxFormatException(what + ": segmented tensors are not supported");
    }
    long[] dims = new long[t.getDimsCount()];
    for (int i = 0; i < dims.length; i++) {
      dims[i] = t.getDims(i);
    }
    long count = Constant.elements(dims);
    if (count < 0) {
      throw new OnnxFormatException(
          what + ": dimensions " + java.util.Arrays.toString(dims) + " are negative or too large");
    }
    int n = (int) count;
    DataType type = DataType.forNumber(t.getDataType());
    if (type == null) {
      throw new OnnxFormatException(what + ": unknown data type " + t.getDataType());
    }
    boolean raw = t.hasRawData();
    switch (type) {
      case FLOAT:
        {
          float[] v;
          if (raw) {
            v = new float[checkRaw(what, t, n, 4)];
            buffer(t).asFloatBuffer().get(v);
          } else {
            checkCount(what, t.getFloatDataCount(), n, "float_data");
            v = new float[n];
            for (int i = 0; i < n; i++) {
              v[i] = t.getFloatData(i);
            }
          }
          return new Constant(dims, v, null);
        }
      case DOUBLE:
        {
          float[] v;
          if (raw) {
            v = new float[checkRaw(what, t, n, 8)];
            var d = buffer(t).asDoubleBuffer();
            for (int i = 0; i < n; i++) {
              v[i] = (float) d.get(i);
            }
          } else {
            checkCount(what, t.getDoubleDataCount(), n, "double_data");
            v = new float[n];
            for (int i = 0; i < n; i++) {
              v[i] = (float) t.getDoubleData(i);
            }
          }
          return new Constant(dims, v, null);
        }
      case INT64:
        {
          long[] v;
          if (raw) {
            v = new long[checkRaw(what, t, n, 8)];
            buffer(t).asLongBuffer().get(v);
          } else {
            checkCount(what, t.getInt64DataCount(), n, "int64_data");
            v = new long[n];
            for (int i = 0; i < n; i++) {
              v[i] = t.getInt64Data(i);
            }
          }
          return new Constant(dims, null, v);
        }
      case INT32, BOOL:
        {
          long[] v;
          if (raw) {
            // int32 takes 4 bytes a value in raw_data, bool one.
            boolean bool = type == DataType.BOOL;
            v = new long[checkRaw(what, t, n, bool ? 1 : 4)];
            ByteBuffer b = buffer(t);
            for (int i = 0; i < n; i++) {
              v[i] = bool ? b.get(i) : b.getInt(4 * i);
            }
          } else {
            checkCount(what, t.getInt32DataCount(), n, "int32_data");
            v = new long[n];
            for (int i = 0; i < n; i++) {
              v[i] = t.getInt32Data(i);
            }
          }
          return new Constant(dims, null, v);
        }
      default:
        throw new OnnxFormatException(
            what
                + ": data type "
                + type
                + " is not supported (float, double, int32, int64 and bool are)");
    }
  }

  private static int checkRaw(String what, TensorProto t, int n, int width)
      throws OnnxFormatException {
    long have = t.getRawData().size();
    if (have != (long) n * width) {
      throw new OnnxFormatException(
          what
              + ": raw_data holds "
              + have
              + " bytes but dimensions "
              + t.getDimsList()
              + " need "
              + (long) n * width);
    }
    return n;
  }

  private static void checkCount(String what, int have, int n, String field)
      throws OnnxFormatException {
    if (have != n) {
      throw new OnnxFormatException(
          what + ": " + field + " holds " + have + " values but the dimensions need " + n);
    }
  }

  // ONNX stores raw data little-endian whatever the machine.
  private static ByteBuffer buffer(TensorProto t) {
    return t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
  }
}
