package io.vigil.engine.data;

import java.io.IOException;

/**
 * An IDX file that cannot be read: not IDX, truncated, damaged, or with a header that claims more
 * than the file holds. The message names the file and what is wrong with it.
 */
public class IdxFormatException extends IOException {

  public IdxFormatException(String message) {
    super(message);
  }

  public IdxFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
