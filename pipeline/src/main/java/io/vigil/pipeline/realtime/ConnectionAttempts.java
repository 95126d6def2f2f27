package io.vigil.pipeline.realtime;

import io.vigil.pipeline.stream.MetricsRegistry;
import io.vigil.pipeline.video.VideoDecoder;
import io.vigil.pipeline.video.VideoInputException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.pekko.japi.function.Creator;
import org.bytedeco.ffmpeg.global.avutil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connections of one reconnecting network source: counts its attempts, connections and losses
 * in the stream's metrics (see {@link io.vigil.pipeline.result.ConnectionCounts}), logs each in one
 * line, and gives up after too many failed attempts in a row.
 *
 * <p>An outage logs one WARN line for the loss, one WARN line for its first failed attempt, INFO
 * lines for the attempts after it, and one WARN line when the source is connected again. Attempts
 * follow each other (the next starts only after the last has ended), but each may run on another
 * thread.
 */
final class ConnectionAttempts {

  private static final Logger log = LoggerFactory.getLogger(ConnectionAttempts.class);

  /**
   * JavaCV's advice appended to every failed open whatever its cause, such as "(Has setFormat()
   * been called?)" or "(For more details, make sure FFmpegLogCallback.set() has been called.)".
   */
  private static final Pattern JAVACV_HINT =
      Pattern.compile("\\s*\\([^()]*\\(\\)[^()]*been called[.?]?\\)");

  private static final Pattern FFMPEG_ERROR = Pattern.compile("error (-\\d{1,9})\\b");

  private final String stream;
  private final String url;
  private final int maxAttempts;
  private final MetricsRegistry.Counters counters;
  private final AtomicLong attempts = new AtomicLong();
  private final AtomicInteger failedInARow = new AtomicInteger();

  /** Whether the current attempt is connected (set when it opens, cleared when it is lost). */
  private final AtomicBoolean connected = new AtomicBoolean();

  /** Whether the source was connected once and has been lost or failed since (an outage). */
  private final AtomicBoolean outage = new AtomicBoolean();

  /**
   * @param maxAttempts failed attempts in a row after which {@link #open} gives up; 0 never does
   */
  ConnectionAttempts(
      String stream, String url, int maxAttempts, MetricsRegistry.Counters counters) {
    this.stream = stream;
    this.url = url;
    this.maxAttempts = maxAttempts;
    this.counters = counters;
  }

  /**
   * One attempt: opens the source with {@code opener}, counting the attempt and, if it opens, the
   * connection.
   *
   * @throws SourceUnreachableException when this was the {@code maxAttempts}-th failed attempt in a
   *     row (not to be retried)
   * @throws Exception the opener's failure, to be retried
   */
  VideoDecoder open(Creator<VideoDecoder> opener) throws Exception {
    long attempt = attempts.incrementAndGet();
    VideoDecoder decoder;
    try {
      decoder = opener.create();
    } catch (Exception e) {
      // Counted once it has failed or connected, so that attempts = connections + failed ones.
      counters.attempts.increment();
      int failed = failedInARow.incrementAndGet();
      String reason = reason(e);
      String limit = maxAttempts > 0 ? " of " + maxAttempts : "";
      if (failed == 1) {
        log.warn(
            "{}: cannot connect to {} (attempt {}; {}{} in a row): {}",
            stream,
            url,
            attempt,
            failed,
            limit,
            reason);
      } else {
        log.info(
            "{}: cannot connect to {} (attempt {}; {}{} in a row): {}",
            stream,
            url,
            attempt,
            failed,
            limit,
            reason);
      }
      if (maxAttempts > 0 && failed >= maxAttempts) {
        throw new SourceUnreachableException(url, failed, reason, e);
      }
      throw e;
    }
    counters.attempts.increment();
    counters.connections.increment();
    connected.set(true);
    int failed = failedInARow.getAndSet(0);
    if (outage.getAndSet(false) || failed > 0) {
      log.warn("{}: connected to {} again (attempt {})", stream, url, attempt);
    } else {
      log.info("{}: connected to {} (attempt {})", stream, url, attempt);
    }
    return decoder;
  }

  /**
   * The current connection ended: the sender ended the stream ({@code error} null) or it failed.
   * Counted as a loss once, and only if the attempt had connected (a failed open is not a loss).
   */
  void lost(Throwable error) {
    if (!connected.compareAndSet(true, false)) {
      return;
    }
    counters.losses.increment();
    outage.set(true);
    log.warn(
        "{}: lost {}: {}",
        stream,
        url,
        error == null ? "the sender ended the stream" : reason(error));
  }

  /** What went wrong, in one line: the decoder's reason without JavaCV's generic advice. */
  static String reason(Throwable e) {
    String reason =
        e instanceof VideoInputException v
            ? v.reason()
            : e.getMessage() == null ? e.toString() : e.getMessage();
    reason = JAVACV_HINT.matcher(reason).replaceAll("").strip();
    // FFmpeg's error codes are negated errno values (-111 is a refused connection): say which.
    Matcher code = FFMPEG_ERROR.matcher(reason);
    if (code.find()) {
      byte[] text = new byte[256];
      if (avutil.av_strerror(Integer.parseInt(code.group(1)), text, text.length) == 0) {
        int end = 0;
        while (end < text.length && text[end] != 0) {
          end++;
        }
        String words = new String(text, 0, end, StandardCharsets.UTF_8);
        reason =
            reason.substring(0, code.end()) + " (" + words + ")" + reason.substring(code.end());
      }
    }
    return reason;
  }

  /** A network source that failed {@code maxAttempts} attempts in a row: its stream gives up. */
  static final class SourceUnreachableException extends IOException {
    private static final long serialVersionUID = 1L;

    SourceUnreachableException(String url, int attempts, String lastReason, Throwable cause) {
      super(
          url
              + ": not connected after "
              + attempts
              + " attempts in a row, giving up (vigil.run.network.max-attempts); the last: "
              + lastReason,
          cause);
    }
  }
}
