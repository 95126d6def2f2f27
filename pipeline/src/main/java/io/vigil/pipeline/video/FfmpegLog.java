package io.vigil.pipeline.video;

import java.lang.reflect.Field;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avutil.AVClass;
import org.bytedeco.ffmpeg.avutil.Callback_Pointer_int_BytePointer_Pointer;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * FFmpeg's own log, routed into vigil's logging under the logger {@value #LOGGER} instead of
 * straight to stderr, and its warnings counted per decoder ({@link #watch}) for the decode
 * summaries. FFmpeg warns about every concealed block of a damaged file and errs about every file
 * it cannot open ("moov atom not found"), and vigil reports damage and failures itself, so its
 * errors and warnings are logged at DEBUG (shown with {@code VIGIL_LOG_LEVEL=debug} or {@code
 * --verbose}), its informational lines at TRACE, and only a fatal error at WARN.
 *
 * <p>Which decoder a line belongs to cannot be told from the thread: FFmpeg decodes a large stream
 * on its own worker threads, each with a copy of the decoder's context. It can be told from the
 * context the line is logged for. Every watched decoder marks its codec context's {@code opaque}
 * (which FFmpeg copies into the worker threads' contexts before each packet) with an address of its
 * own, and its container context is known by address; a line logged for either is counted for that
 * decoder. Lines logged for other contexts (a codec's private context, a parser) are logged but not
 * counted.
 */
public final class FfmpegLog {

  /** The logger FFmpeg's lines go to. */
  public static final String LOGGER = "io.vigil.ffmpeg";

  private static final Logger log = LoggerFactory.getLogger(LOGGER);

  /** Longest line formatted; FFmpeg's own default callback uses 1024 too. */
  private static final int LINE_BYTES = 1024;

  /** The watched decoders, by the address of their mark and of their container context. */
  private static final Map<Long, Watch> watched = new ConcurrentHashMap<>();

  /** The grabber's codec context, private in JavaCV; null if a JavaCV release renames it. */
  private static final Field CODEC_CONTEXT = codecContextField();

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
          avutil.av_log_set_callback(c);
          callback = c;
        }
      }
    }
  }

  /**
   * Starts counting the warnings and errors FFmpeg logs for {@code grabber}'s decoder and container
   * (call after {@code start()}); close the watch after closing the grabber.
   */
  static Watch watch(FFmpegFrameGrabber grabber) {
    install();
    Watch w = new Watch(grabber.getFormatContext(), codecContext(grabber));
    w.keys().forEach(key -> watched.put(key, w));
    return w;
  }

  /** The FFmpeg warnings and errors of one decoder, counted from the moment it is watched. */
  static final class Watch implements AutoCloseable {
    /** One byte of native memory whose address marks this decoder's codec contexts. */
    private final BytePointer mark = new BytePointer(1);

    private final long formatAddress;
    private final boolean codecMarked;
    private final LongAdder warnings = new LongAdder();

    private Watch(AVFormatContext format, AVCodecContext codec) {
      this.formatAddress = format == null ? 0 : format.address();
      this.codecMarked = codec != null && !codec.isNull();
      if (codecMarked) {
        codec.opaque(mark);
      }
    }

    private java.util.List<Long> keys() {
      java.util.List<Long> keys = new java.util.ArrayList<>();
      if (codecMarked) {
        keys.add(mark.address());
      }
      if (formatAddress != 0) {
        keys.add(formatAddress);
      }
      return keys;
    }

    /** Warnings and errors logged for this decoder so far. */
    long warnings() {
      return warnings.sum();
    }

    @Override
    public void close() {
      keys().forEach(key -> watched.remove(key, this));
      mark.close();
    }
  }

  /** The decoder a line was logged for, or null when the context is not a watched one. */
  static Watch watchOf(Pointer context) {
    if (context == null || context.isNull() || watched.isEmpty()) {
      return null;
    }
    // Every context FFmpeg logs for starts with a pointer to its AVClass.
    Pointer classPointer = new PointerPointer<Pointer>(context).get(0);
    if (classPointer == null || classPointer.isNull()) {
      return null;
    }
    BytePointer className = new AVClass(classPointer).class_name();
    if (className == null || className.isNull()) {
      return null;
    }
    switch (className.getString()) {
      case "AVCodecContext" -> {
        Pointer mark = new AVCodecContext(context).opaque();
        return mark == null || mark.isNull() ? null : watched.get(mark.address());
      }
      case "AVFormatContext" -> {
        return watched.get(context.address());
      }
      default -> {
        return null;
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

  /** The grabber's video codec context (JavaCV keeps it private), or null if it cannot be had. */
  static AVCodecContext codecContext(FFmpegFrameGrabber grabber) {
    if (CODEC_CONTEXT == null) {
      return null;
    }
    try {
      return (AVCodecContext) CODEC_CONTEXT.get(grabber);
    } catch (IllegalAccessException | ClassCastException e) {
      return null;
    }
  }

  private static Field codecContextField() {
    try {
      Field f = FFmpegFrameGrabber.class.getDeclaredField("video_c");
      f.setAccessible(true);
      return f;
    } catch (ReflectiveOperationException | RuntimeException e) {
      log.debug("FFmpeg warnings are counted per container only: {}", e.toString());
      return null;
    }
  }

  /** FFmpeg's raw log callback: the context, the level, the format and its arguments. */
  private static final class Callback extends Callback_Pointer_int_BytePointer_Pointer {
    @Override
    public void call(Pointer context, int level, BytePointer format, Pointer arguments) {
      if (level > avutil.av_log_get_level()) {
        return;
      }
      if (level <= avutil.AV_LOG_WARNING) {
        Watch w = watchOf(context);
        if (w != null) {
          w.warnings.increment();
        }
      }
      // The callback receives the address of its va_list parameter; on x86-64 a va_list is an
      // array that a call passes as a pointer to its first element, which is what that address
      // holds (passing the address itself crashes in vsnprintf).
      Pointer vaList = new PointerPointer<Pointer>(arguments).get(0);
      try (BytePointer text = new BytePointer(LINE_BYTES);
          IntPointer printPrefix = new IntPointer(1)) {
        // With print_prefix set FFmpeg starts the line with "[component @ address]", as on stderr.
        printPrefix.put(1);
        avutil.av_log_format_line2(context, level, format, vaList, text, LINE_BYTES, printPrefix);
        line(level, text.getString());
      }
    }
  }
}
