package io.vigil.opencl;

/** An OpenCL call failed; the message names the call and the {@code CL_*} code. */
public final class ClException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final int code;

  public ClException(String message, int code) {
    super(message);
    this.code = code;
  }

  public ClException(String message, Throwable cause) {
    super(message, cause);
    this.code = 0;
  }

  /** The OpenCL error code (negative), or 0 when the failure did not come with one. */
  public int code() {
    return code;
  }
}
