package io.vigil.onnx;

import java.io.IOException;

/**
 * An ONNX file vigil cannot read, or a model it cannot write as ONNX. The message names the file
 * and what is wrong: the node, its operator and opset, and the attribute or value at fault.
 */
public class OnnxFormatException extends IOException {

  public OnnxFormatException(String message) {
    super(message);
  }

  public OnnxFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
