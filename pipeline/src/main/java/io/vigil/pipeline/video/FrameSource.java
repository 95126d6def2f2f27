package io.vigil.pipeline.video;

import org.bytedeco.javacv.Frame;

/**
 * Where {@link VideoDecoder} gets its frames: FFmpeg's grabber in production, a scripted source in
 * tests of the error handling (real files rarely make the grabber throw).
 */
interface FrameSource extends AutoCloseable {

  /** The next decoded video frame, null at the end. */
  Frame grabImage() throws Exception;

  /** Whether FFmpeg marked the frame just returned as corrupt (errors concealed). */
  boolean lastFrameDamaged();

  @Override
  void close() throws Exception;
}
