package io.vigil.onnx;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import onnx.Onnx.AttributeProto;
import onnx.Onnx.AttributeProto.AttributeType;
import onnx.Onnx.NodeProto;
import onnx.Onnx.TensorProto;

/**
 * The attributes of one node, read by name and type. Every value that reaches a layer goes through
 * here, so a wrong type, an out-of-range number or an attribute the mapping does not understand is
 * an error naming the node and the attribute rather than a silently different model.
 */
final class Attributes {

  private final NodeRef node;
  private final Map<String, AttributeProto> byName = new HashMap<>();

  Attributes(NodeRef node, NodeProto proto) throws OnnxFormatException {
    this.node = node;
    for (AttributeProto a : proto.getAttributeList()) {
      if (byName.put(a.getName(), a) != null) {
        throw node.fail("attribute '" + a.getName() + "' is given twice");
      }
    }
  }

  NodeRef node() {
    return node;
  }

  boolean has(String name) {
    return byName.containsKey(name);
  }

  /**
   * Refuses attributes outside {@code known}: an attribute the mapping ignores could change what
   * the operator computes.
   */
  void allowOnly(Set<String> known) throws OnnxFormatException {
    for (String name : byName.keySet()) {
      if (!known.contains(name)) {
        throw node.fail("attribute '" + name + "' is not supported (vigil reads " + known + ")");
      }
    }
  }

  long integer(String name, long fallback) throws OnnxFormatException {
    AttributeProto a = byName.get(name);
    if (a == null) {
      return fallback;
    }
    expect(a, AttributeType.INT, a.hasI());
    return a.getI();
  }

  /** An integer attribute that must lie in {@code [min, max]}. */
  int integer(String name, long fallback, int min, int max) throws OnnxFormatException {
    long v = integer(name, fallback);
    if (v < min || v > max) {
      throw node.fail("attribute " + name + "=" + v + " is outside [" + min + ", " + max + "]");
    }
    return (int) v;
  }

  float real(String name, float fallback) throws OnnxFormatException {
    AttributeProto a = byName.get(name);
    if (a == null) {
      return fallback;
    }
    expect(a, AttributeType.FLOAT, a.hasF());
    if (!Float.isFinite(a.getF())) {
      throw node.fail("attribute " + name + "=" + a.getF() + " is not a finite number");
    }
    return a.getF();
  }

  String string(String name, String fallback) throws OnnxFormatException {
    AttributeProto a = byName.get(name);
    if (a == null) {
      return fallback;
    }
    expect(a, AttributeType.STRING, a.hasS());
    return a.getS().toStringUtf8();
  }

  /** A list of integers, or null when absent. */
  long[] integers(String name) throws OnnxFormatException {
    AttributeProto a = byName.get(name);
    if (a == null) {
      return null;
    }
    expect(a, AttributeType.INTS, a.getIntsCount() > 0);
    long[] values = new long[a.getIntsCount()];
    for (int i = 0; i < values.length; i++) {
      values[i] = a.getInts(i);
    }
    return values;
  }

  /** A list of floats, or null when absent. */
  float[] reals(String name) throws OnnxFormatException {
    AttributeProto a = byName.get(name);
    if (a == null) {
      return null;
    }
    expect(a, AttributeType.FLOATS, a.getFloatsCount() > 0);
    float[] values = new float[a.getFloatsCount()];
    for (int i = 0; i < values.length; i++) {
      values[i] = a.getFloats(i);
    }
    return values;
  }

  /** A tensor attribute, or null when absent. */
  TensorProto tensor(String name) throws OnnxFormatException {
    AttributeProto a = byName.get(name);
    if (a == null) {
      return null;
    }
    expect(a, AttributeType.TENSOR, a.hasT());
    return a.getT();
  }

  /**
   * Files from before IR 3 leave the type unset; then the value's presence decides, otherwise the
   * declared type must be the one the operator defines.
   */
  private void expect(AttributeProto a, AttributeType type, boolean present)
      throws OnnxFormatException {
    boolean typeOk = a.getType() == type || (a.getType() == AttributeType.UNDEFINED && present);
    if (!typeOk) {
      throw node.fail(
          "attribute " + a.getName() + " must be of type " + type + ", got " + a.getType());
    }
  }
}
