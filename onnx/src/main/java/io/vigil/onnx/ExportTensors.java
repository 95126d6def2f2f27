package io.vigil.onnx;

import com.google.protobuf.ByteString;
import io.vigil.engine.backend.Backend;
import io.vigil.engine.tensor.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import onnx.Onnx.TensorProto;

/**
 * ONNX initializers from engine tensors and small constants. Values go into {@code raw_data},
 * little-endian as the ONNX specification requires of raw data whatever the host's order, rather
 * than {@code float_data}: one copy instead of a boxed repeated field, and the form PyTorch's
 * exporter writes, so every reader expects it.
 */
final class ExportTensors {

  private ExportTensors() {}

  /**
   * The float32 initializer {@code name} of {@code dims} holding {@code tensor}'s values, read from
   * the backend that owns it (a device backend keeps them off the heap).
   */
  static TensorProto floats(String name, long[] dims, Tensor tensor, Backend backend) {
    long count = Arrays.stream(dims).reduce(1, Math::multiplyExact);
    if (count != tensor.size()) {
      throw new IllegalStateException(
          "initializer "
              + name
              + ": dims "
              + Arrays.toString(dims)
              + " hold "
              + count
              + " values but the tensor has "
              + tensor.size());
    }
    float[] values = new float[tensor.size()];
    backend.download(tensor, 0, values, 0, values.length);
    return floats(name, dims, values);
  }

  /** The float32 initializer {@code name} of {@code dims} holding {@code values}. */
  static TensorProto floats(String name, long[] dims, float[] values) {
    ByteBuffer raw =
        ByteBuffer.allocate(Math.multiplyExact(values.length, Float.BYTES))
            .order(ByteOrder.LITTLE_ENDIAN);
    raw.asFloatBuffer().put(values);
    return TensorProto.newBuilder()
        .setName(name)
        .setDataType(TensorProto.DataType.FLOAT_VALUE)
        .addAllDims(Arrays.stream(dims).boxed().toList())
        .setRawData(ByteString.copyFrom(raw.array()))
        .build();
  }

  /** A float32 scalar (no dims), e.g. Dropout's {@code ratio}. */
  static TensorProto scalar(String name, float value) {
    return floats(name, new long[0], new float[] {value});
  }

  /** A one-dimensional int64 initializer, e.g. the target shape of a Reshape. */
  static TensorProto int64s(String name, long... values) {
    ByteBuffer raw = ByteBuffer.allocate(values.length * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    raw.asLongBuffer().put(values);
    return TensorProto.newBuilder()
        .setName(name)
        .setDataType(TensorProto.DataType.INT64_VALUE)
        .addDims(values.length)
        .setRawData(ByteString.copyFrom(raw.array()))
        .build();
  }
}
