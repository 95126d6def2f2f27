package io.vigil.pipeline.video;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A labeled clip cannot be used as training data. The message is {@code "CLIP: reason"}; the reason
 * says in plain words what is wrong (the video cannot be read, its label sidecar is missing or
 * malformed, the labels do not match its frames or the model's classes), so that it can be written
 * beside a clip that is moved aside ({@link ClipQuarantine}).
 */
public final class ClipRejectedException extends Exception {

  private static final long serialVersionUID = 1L;

  private final transient Path clip;
  private final String reason;

  /** {@code clip} is rejected for {@code reason}. */
  public ClipRejectedException(Path clip, String reason) {
    this(clip, reason, null);
  }

  /** {@code clip} is rejected for {@code reason}, found through {@code cause}. */
  public ClipRejectedException(Path clip, String reason, Throwable cause) {
    super(clip + ": " + reason, cause);
    this.clip = Objects.requireNonNull(clip, "clip");
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  /** The clip's video file. */
  public Path clip() {
    return clip;
  }

  /** What is wrong with it, without the clip's name. */
  public String reason() {
    return reason;
  }
}
