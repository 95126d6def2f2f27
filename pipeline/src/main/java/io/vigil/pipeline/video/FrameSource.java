package io.vigil.pipeline.video;

import org.bytedeco.javacv.Frame;

/**
 * Where {@link VideoDecoder} gets its frames: FFmpeg's grabber in production, a scripted source in
 * tests of the error handling (real files rarely make the grabber throw).
 */
interface FrameSource extends AutoCloseable {

  /** The next decoded video frame, null at the end. */
  Frame grabImage() throws Exception;

  /**
   * The next video frame decoded but not converted to BGR pixels (its timestamp and damage flags
   * hold, its pixels are not to be read), null at the end; by default the same as {@link
   * #grabImage()}.
   */
  default Frame grabUnconverted() throws Exception {
    return grabImage();
  }

  /** From the next packet on, leaves the frames {@code level} names undecoded. */
  default void skipFrames(FrameSkipping level) {}

  /** Whether FFmpeg marked the frame just returned as corrupt (errors concealed). */
  boolean lastFrameDamaged();

  /** Warnings and errors FFmpeg has logged for this source's decoder and container so far. */
  default long ffmpegWarnings() {
    return 0;
  }

  @Override
  void close() throws Exception;
}
