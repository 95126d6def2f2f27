package io.vigil.pipeline.cli;

/**
 * A value on the command line that picocli parsed but that is out of range or names nothing (a
 * batch of 0, a negative rate, a device that is not there). Thrown while a command runs, before it
 * starts its work; {@link Main} reports it as it reports an argument picocli itself refused: one
 * line and the usage hint, exit status 2.
 */
final class BadArgumentException extends IllegalArgumentException {

  BadArgumentException(String message) {
    super(message);
  }

  BadArgumentException(String message, Throwable cause) {
    super(message, cause);
  }
}
