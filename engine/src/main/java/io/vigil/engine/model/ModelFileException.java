package io.vigil.engine.model;

import java.io.IOException;

/** A model file that cannot be loaded; the message names the file and what is wrong with it. */
public class ModelFileException extends IOException {

  public ModelFileException(String message) {
    super(message);
  }

  public ModelFileException(String message, Throwable cause) {
    super(message, cause);
  }
}
