package io.vigil.onnx;

/**
 * One ONNX node as error messages name it: the file, the node's name (or its position when it has
 * none), its operator and the opset of the default domain the file imports.
 */
record NodeRef(String file, String name, String op, int opset, int index) {

  /** {@code node 'conv1' (Conv, opset 13)}; a nameless node is named by its position. */
  String label() {
    String who = name.isEmpty() ? "#" + index : "'" + name + "'";
    return "node " + who + " (" + op + ", opset " + opset + ")";
  }

  /** An exception whose message names the file, this node, and {@code problem}. */
  OnnxFormatException fail(String problem) {
    return new OnnxFormatException(file + ": " + label() + ": " + problem);
  }
}
