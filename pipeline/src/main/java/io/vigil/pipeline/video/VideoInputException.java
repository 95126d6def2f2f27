package io.vigil.pipeline.video;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A video file cannot be opened or read. The message names the file and says, in plain words, what
 * is wrong with it ("no such file", "empty file (0 bytes)", "no video stream", ...); FFmpeg's own
 * exception, when there is one, is the cause.
 */
public class VideoInputException extends IOException {

  private static final long serialVersionUID = 1L;

  private final transient Path file;
  private final String reason;

  /** A problem with {@code file}, described by {@code reason}. */
  public VideoInputException(Path file, String reason) {
    super(file + ": " + reason);
    this.file = file;
    this.reason = reason;
  }

  /** A problem with {@code file}, described by {@code reason}, found through {@code cause}. */
  public VideoInputException(Path file, String reason, Throwable cause) {
    super(file + ": " + reason, cause);
    this.file = file;
    this.reason = reason;
  }

  /**
   * A problem with a non-file input ({@code source}: a URL or device), described by {@code reason}.
   */
  public VideoInputException(String source, String reason, Throwable cause) {
    super(source + ": " + reason, cause);
    this.file = null;
    this.reason = reason;
  }

  /** The file the problem is about (null for a URL or device). */
  public Path file() {
    return file;
  }

  /** What is wrong, without the file's name: the message is {@code "FILE: " + reason()}. */
  public String reason() {
    return reason;
  }
}
