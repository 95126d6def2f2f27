package io.vigil.onnx;

import io.vigil.engine.tensor.Shape;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import onnx.Onnx.GraphProto;
import onnx.Onnx.TensorProto;
import onnx.Onnx.TensorShapeProto;
import onnx.Onnx.TypeProto;
import onnx.Onnx.ValueInfoProto;

/**
 * The network input: the one graph input that is not an initializer (ONNX before IR 4 lists the
 * initializers among the inputs too), a float32 N×C×H×W tensor with C = 1 (gray) or 3 (RGB). The
 * batch may be symbolic; a symbolic height or width must come from the options.
 *
 * @param name the ONNX name
 * @param image the per-image shape
 * @param batch the batch size, -1 when symbolic
 */
record GraphInput(String name, Shape image, long batch) {

  /** Largest height or width accepted. */
  static final int MAX_SIDE = 1 << 14;

  static GraphInput read(String file, GraphProto graph, ImportOptions options)
      throws OnnxFormatException {
    Set<String> initializers = new HashSet<>();
    for (TensorProto t : graph.getInitializerList()) {
      initializers.add(t.getName());
    }
    List<ValueInfoProto> inputs = new ArrayList<>();
    for (ValueInfoProto v : graph.getInputList()) {
      if (!initializers.contains(v.getName())) {
        inputs.add(v);
      }
    }
    if (inputs.size() != 1) {
      throw new OnnxFormatException(
          file
              + ": the graph has "
              + inputs.size()
              + " inputs besides its initializers "
              + inputs.stream().map(ValueInfoProto::getName).toList()
              + "; vigil models take one image input");
    }
    ValueInfoProto in = inputs.get(0);
    String what = file + ": input '" + in.getName() + "'";
    TypeProto type = in.getType();
    if (!type.hasTensorType()) {
      throw new OnnxFormatException(what + " is not a tensor");
    }
    if (type.getTensorType().getElemType() != TensorProto.DataType.FLOAT_VALUE) {
      throw new OnnxFormatException(
          what
              + " has element type "
              + TensorProto.DataType.forNumber(type.getTensorType().getElemType())
              + "; vigil takes float32 input only");
    }
    TensorShapeProto shape = type.getTensorType().getShape();
    if (shape.getDimCount() != 4) {
      throw new OnnxFormatException(
          what + " has " + shape.getDimCount() + " dimensions; vigil takes N×C×H×W images");
    }
    long batch = shape.getDim(0).hasDimValue() ? shape.getDim(0).getDimValue() : -1;
    if (!shape.getDim(1).hasDimValue()) {
      throw new OnnxFormatException(what + ": the channel count is symbolic; it must be 1 or 3");
    }
    long channels = shape.getDim(1).getDimValue();
    if (channels != 1 && channels != 3) {
      throw new OnnxFormatException(
          what + " has " + channels + " channels; vigil takes 1 (gray) or 3 (RGB)");
    }
    int height = side(what, "height", shape.getDim(2), options.height());
    int width = side(what, "width", shape.getDim(3), options.width());
    return new GraphInput(in.getName(), Shape.image((int) channels, height, width), batch);
  }

  private static int side(String what, String axis, TensorShapeProto.Dimension d, Integer option)
      throws OnnxFormatException {
    long value;
    if (d.hasDimValue()) {
      value = d.getDimValue();
      if (option != null && option != value) {
        throw new OnnxFormatException(
            what + " has " + axis + " " + value + " but the options ask for " + option);
      }
    } else if (option != null) {
      value = option;
    } else {
      throw new OnnxFormatException(
          what
              + ": the "
              + axis
              + " is symbolic ('"
              + d.getDimParam()
              + "'); give it in the import options (--"
              + axis
              + ")");
    }
    if (value < 1 || value > MAX_SIDE) {
      throw new OnnxFormatException(
          what + ": " + axis + " " + value + " is outside [1, " + MAX_SIDE + "]");
    }
    return (int) value;
  }
}
