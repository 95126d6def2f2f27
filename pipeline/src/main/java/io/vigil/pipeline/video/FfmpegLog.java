package io.vigil.pipeline.video;

import org.bytedeco.ffmpeg.avutil.LogCallback;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacpp.BytePointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * FFmpeg's own log, routed into vigil's logging under the logger {@value #LOGGER} instead of
 * straight to stderr. FFmpeg warns about every concealed block of a damaged file and errs about
 * every file it cannot open ("moov atom not found"), and vigil reports damage and failures itself,
 * so its errors and warnings are logged at DEBUG (shown with {@code VIGIL_LOG_LEVEL=debug} or
 * {@code --verbose}), its informational lines at TRACE, and only a fatal error at WARN.
 */
public final class FfmpegLog {

  /** The logger FFmpeg's lines go to. */
  public static final String LOGGER = "io.vigil.ffmpeg";

  private static final Logger log = LoggerFactory.getLogger(LOGGER);

  /** Held here so that the native side never calls a collected callback. */
  private static volatile Callback callback;

  private FfmpegLog() {}

  /** Installs the routing, once per process; every use of FFmpeg calls this first. */
  static void install() {
    if (callback == null) {
      synchronized (FfmpegLog.class) {
        if (callback == null) {
          // Lines above this level are never formatted or passed up to Java.
          avutil.av_log_set_level(
              log.isTraceEnabled() ? avutil.AV_LOG_VERBOSE : avutil.AV_LOG_WARNING);
          Callback c = new Callback();
          avutil.setLogCallback(c);
          callback = c;
        }
      }
    }
  }

  /** One FFmpeg line, logged at the level that matches FFmpeg's. */
  static void line(int level, String text) {
    String line = text.strip();
    if (line.isEmpty()) {
      return;
    }
    if (level <= avutil.AV_LOG_FATAL) {
      log.warn("{}", line);
    } else if (level <= avutil.AV_LOG_WARNING) {
      log.debug("{}", line);
    } else {
      log.trace("{}", line);
    }
  }

  private static final class Callback extends LogCallback {
    @Override
    public void call(int level, BytePointer message) {
      if (level <= avutil.av_log_get_level()) {
        line(level, message.getString());
      }
    }
  }
}
