package io.vigil.pipeline.stream;

/**
 * How a file source releases its frames: as fast as the pipeline takes them (offline), or like a
 * camera, one frame per frame interval (to simulate live streams from files).
 *
 * @param paced whether frames are released at a frame rate at all
 * @param fps the rate to release them at; 0 means the file's own rate (from its timestamps)
 * @param loop whether to start the file again at its end (a camera never ends)
 */
public record Pacing(boolean paced, double fps, boolean loop) {

  /** As fast as possible, once. */
  public static final Pacing NONE = new Pacing(false, 0, false);

  public Pacing {
    if (fps < 0 || !Double.isFinite(fps)) {
      throw new IllegalArgumentException("pacing fps must be 0 (native) or positive, got " + fps);
    }
  }

  /** Released at the file's native rate, or at {@code fps} when it is positive. */
  public static Pacing realtime(double fps, boolean loop) {
    return new Pacing(true, fps, loop);
  }
}
