package io.vigil.pipeline.video;

import org.bytedeco.ffmpeg.global.avutil;

/** FFmpeg's own logging, which goes straight to stderr. */
final class FfmpegLog {

  private static volatile boolean quieted;

  private FfmpegLog() {}

  /**
   * Lowers FFmpeg's log level to errors, once per process: at its default level it prints a warning
   * for every concealed block of a damaged file, and we report damage ourselves.
   */
  static void quietToErrors() {
    if (!quieted) {
      synchronized (FfmpegLog.class) {
        if (!quieted) {
          avutil.av_log_set_level(avutil.AV_LOG_ERROR);
          quieted = true;
        }
      }
    }
  }
}
