package io.vigil.pipeline.video;

import io.vigil.pipeline.result.DecodeReport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decodes the video stream of one file, frame by frame, through FFmpeg ({@link
 * FFmpegFrameGrabber}); other streams are not decoded.
 *
 * <p>It delivers exactly the frames {@code ffmpeg -i FILE -f null -} decodes. Damage does not end
 * the stream: FFmpeg conceals or skips a corrupt packet itself, and if the grabber throws in the
 * middle of a file, the error is counted and decoding goes on, until {@value
 * #MAX_CONSECUTIVE_ERRORS} errors in a row end the stream (noted in the {@link #report()}). A
 * truncated file yields the frames before the cut. {@link #report()} says what was met.
 *
 * <p>Not thread-safe: one thread decodes a file (on a blocking dispatcher; {@link #next()} blocks
 * on disk and CPU).
 */
public final class VideoDecoder implements AutoCloseable {

  /** Errors in a row after which a file is given up as unreadable from there on. */
  static final int MAX_CONSECUTIVE_ERRORS = 10;

  private static final Logger log = LoggerFactory.getLogger(VideoDecoder.class);
  private static final Pattern FFMPEG_ERROR = Pattern.compile("(\\w+)\\(\\) error (-?\\d+)");

  private final Path file;
  private final String name;
  private final String shortName;
  private final VideoInfo info;
  private final FrameSource source;
  private final FrameTimeline timeline;
  private long delivered;
  private long errors;
  private long damaged;
  private boolean ended;
  private boolean closed;
  private String gaveUpBecause;
  private FrameSkipping skipping = FrameSkipping.NONE;
  private long skippedAtEnd;

  VideoDecoder(Path file, VideoInfo info, long claimedEndMicros, FrameSource source) {
    this(file, file.toString(), file.getFileName().toString(), info, claimedEndMicros, source);
  }

  private VideoDecoder(
      Path file,
      String name,
      String shortName,
      VideoInfo info,
      long claimedEndMicros,
      FrameSource source) {
    this.file = file;
    this.name = name;
    this.shortName = shortName;
    this.info = info;
    this.source = source;
    this.timeline = new FrameTimeline(info.frameRate(), claimedEndMicros);
  }

  /**
   * Opens {@code file} and reads its headers.
   *
   * @throws VideoInputException naming the file and the reason: no such file, not a regular file,
   *     not readable, empty file (0 bytes), not a video FFmpeg recognises, no video stream
   */
  public static VideoDecoder open(Path file) throws VideoInputException {
    return open(file, PictureFormat.BGR);
  }

  /**
   * Opens {@code file} as {@link #open(Path)} does, handing over pictures in {@code format}.
   *
   * @throws VideoInputException as {@link #open(Path)}
   */
  public static VideoDecoder open(Path file, PictureFormat format) throws VideoInputException {
    checkFile(file);
    FfmpegLog.install();
    FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(file.toFile());
    GrabberSource.prepare(grabber, format);
    try {
      grabber.start();
    } catch (FFmpegFrameGrabber.Exception e) {
      closeQuietly(grabber, e);
      throw new VideoInputException(file, reasonFor(file, e), e);
    }
    if (!grabber.hasVideo()) {
      int streams = grabber.getFormatContext().nb_streams();
      VideoInputException e =
          new VideoInputException(
              file,
              "no video stream (the "
                  + grabber.getFormat()
                  + " container holds "
                  + streams
                  + (streams == 1 ? " stream" : " streams")
                  + (grabber.hasAudio() ? ", audio only" : ", none of them video")
                  + ")");
      closeQuietly(grabber, e);
      throw e;
    }
    GrabberSource source = new GrabberSource(grabber, format);
    return new VideoDecoder(file, source.info(), source.claimedEndMicros(), source);
  }

  /**
   * Opens a network stream or device: {@code url} is anything FFmpeg opens (an {@code rtsp://},
   * {@code http://}, {@code udp://} or {@code tcp://} URL, or a device such as {@code /dev/video0}
   * with {@code format = "video4linux2"}). {@code options} go to FFmpeg as they are; a network
   * source should carry {@code rw_timeout} (and {@code timeout} for RTSP), in microseconds, or a
   * stalled source can block a read for hours.
   *
   * @param format the input format to force, or null to let FFmpeg probe
   * @throws VideoInputException naming the URL when FFmpeg cannot open it or it has no video
   */
  public static VideoDecoder openUrl(String url, String format, Map<String, String> options)
      throws VideoInputException {
    return openUrl(url, format, options, PictureFormat.BGR);
  }

  /**
   * Opens a network stream or device as {@link #openUrl(String, String, Map)} does, handing over
   * pictures in {@code pictures}.
   *
   * @throws VideoInputException as {@link #openUrl(String, String, Map)}
   */
  public static VideoDecoder openUrl(
      String url, String format, Map<String, String> options, PictureFormat pictures)
      throws VideoInputException {
    FfmpegLog.install();
    FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(url);
    GrabberSource.prepare(grabber, pictures);
    if (format != null) {
      grabber.setFormat(format);
    }
    options.forEach(grabber::setOption);
    try {
      // start() holds one lock shared by every grabber and recorder in the process while it
      // opens the input: a silent network source would hold it for its whole timeout and keep
      // every other stream, files included, from opening (NetworkSourceTest shows it). FFmpeg's
      // open is thread-safe, so network sources open without that lock.
      grabber.startUnsafe();
    } catch (FFmpegFrameGrabber.Exception e) {
      VideoInputException failure =
          new VideoInputException(url, "FFmpeg cannot open it: " + e.getMessage(), e);
      closeQuietly(grabber, failure);
      throw failure;
    }
    if (!grabber.hasVideo()) {
      VideoInputException failure = new VideoInputException(url, "no video stream", null);
      closeQuietly(grabber, failure);
      throw failure;
    }
    GrabberSource source = new GrabberSource(grabber, pictures);
    return new VideoDecoder(null, url, url, source.info(), source.claimedEndMicros(), source);
  }

  /** The file being decoded (null for a URL or device). */
  public Path file() {
    return file;
  }

  /** What the headers say; see {@link VideoInfo} for how far to trust each field. */
  public VideoInfo info() {
    return info;
  }

  /**
   * The next decoded video frame, or null at the end of the stream (and on every call after). The
   * returned frame is valid only until the next call; see {@link DecodedFrame}.
   *
   * @throws VideoInputException if the decoder was closed
   */
  public DecodedFrame next() throws VideoInputException {
    return read(true);
  }

  /**
   * The next frame decoded but not converted to pixels, or null at the end: counted, numbered and
   * timed like any other, for a frame that is dropped anyway. Its {@code frame()} carries no pixels
   * to read. Saves the colour conversion (and whatever the caller would have done with the pixels),
   * not the decoding, which later frames depend on.
   *
   * @throws VideoInputException if the decoder was closed
   */
  public DecodedFrame nextUnconverted() throws VideoInputException {
    return read(false);
  }

  private DecodedFrame read(boolean convert) throws VideoInputException {
    if (closed) {
      throw new VideoInputException(name, "decoder already closed", null);
    }
    if (ended) {
      return null;
    }
    int consecutive = 0;
    while (true) {
      Frame frame;
      try {
        frame = convert ? source.grabImage() : source.grabUnconverted();
      } catch (Exception e) {
        errors++;
        consecutive++;
        log.warn(
            "{}: decode error {} after frame {}, skipping: {}",
            name,
            consecutive,
            delivered,
            e.getMessage());
        if (consecutive >= MAX_CONSECUTIVE_ERRORS) {
          gaveUpBecause = consecutive + " decode errors in a row, the last: " + e.getMessage();
          log.warn("{}: giving up after {}", name, gaveUpBecause);
          ended = true;
          return null;
        }
        continue;
      }
      if (frame == null) {
        ended = true;
        if (skipping != FrameSkipping.NONE) {
          // What the headers say is missing at the end was skipped on purpose, not lost.
          skippedAtEnd = timeline.estimate().lostAtEnd();
        }
        return null;
      }
      if (source.lastFrameDamaged()) {
        damaged++;
      }
      long pts = timeline.accept(frame.timestamp, skipping != FrameSkipping.NONE);
      return new DecodedFrame(delivered++, pts, frame);
    }
  }

  /**
   * From the next packet on, leaves the frames {@code level} names undecoded (for a live source
   * that fell behind); they are not delivered, and the caller counts them by their timestamps.
   */
  public void skipFrames(FrameSkipping level) {
    source.skipFrames(level);
    skipping = level;
  }

  /**
   * The typical step between frames so far, in microseconds: the median of the observed steps, the
   * declared frame interval before there are any, NaN when neither is known. What a frame skipped
   * while catching up is taken to span.
   */
  public double typicalFrameStepMicros() {
    return timeline.estimate().typicalStepMicros();
  }

  /**
   * Frames the decoder skipped after the last one it delivered, because it was skipping frames when
   * the input ended (estimated from the headers, as frames lost at the end would be); 0 until then.
   */
  public long framesSkippedAtEnd() {
    return skippedAtEnd;
  }

  /** Frames delivered so far that FFmpeg marked damaged (errors concealed). */
  public long damagedFrames() {
    return damaged;
  }

  /** Times so far the grabber threw while reading or decoding (each skipped). */
  public long decodeErrors() {
    return errors;
  }

  /** What decoding met so far; final once {@link #next()} has returned null. */
  public DecodeReport report() {
    FrameTimeline.Estimate estimate = timeline.estimate();
    return new DecodeReport(
        delivered,
        errors,
        damaged,
        estimate.lostInGaps(),
        estimate.lostAtEnd() - skippedAtEnd,
        timeline.repaired(),
        source.ffmpegWarnings(),
        gaveUpBecause != null,
        summary(estimate));
  }

  /** Releases FFmpeg's decoder and file; frames delivered earlier become invalid. */
  @Override
  public void close() throws VideoInputException {
    if (closed) {
      return;
    }
    closed = true;
    try {
      source.close();
    } catch (Exception e) {
      throw new VideoInputException(name, "closing the decoder failed: " + e.getMessage(), e);
    }
  }

  private String summary(FrameTimeline.Estimate estimate) {
    StringBuilder s = new StringBuilder();
    s.append(shortName).append(": ").append(delivered).append(" frames decoded");
    if (damaged > 0) {
      s.append(" (").append(damaged).append(" with concealed damage)");
    }
    long lostAtEnd = estimate.lostAtEnd() - skippedAtEnd;
    long lost = estimate.lostInGaps() + lostAtEnd;
    s.append(", ").append(lost > 0 ? "~" + lost : "0").append(" lost");
    if (estimate.lostInGaps() > 0) {
      s.append("; ").append(estimate.lostInGaps()).append(" in timestamp gaps");
    }
    if (lostAtEnd > 0) {
      s.append(
          String.format(
              Locale.ROOT,
              "; %d at the end (frames stop at %.2f s, the headers claim %.2f s)",
              lostAtEnd,
              estimate.lastPtsMicros() / 1e6,
              timeline.claimedEndMicros() / 1e6));
    }
    if (!estimate.gapsCounted() && delivered > 1) {
      s.append(
          String.format(
              Locale.ROOT,
              "; gaps not counted: frames are typically %.3f s apart but the declared rate is"
                  + " %.3f fps (sparse or variable-rate stream)",
              estimate.typicalStepMicros() / 1e6,
              info.frameRate()));
    }
    s.append(", ").append(errors).append(errors == 1 ? " decode error" : " decode errors");
    long warnings = source.ffmpegWarnings();
    if (warnings > 0) {
      s.append(", ")
          .append(warnings)
          .append(warnings == 1 ? " FFmpeg warning" : " FFmpeg warnings");
    }
    if (timeline.repaired() > 0) {
      s.append(", ").append(timeline.repaired());
      s.append(timeline.repaired() == 1 ? " timestamp repaired" : " timestamps repaired");
    }
    if (skippedAtEnd > 0) {
      s.append(", ").append(skippedAtEnd).append(" skipped at the end to catch up");
    }
    if (gaveUpBecause != null) {
      s.append("; gave up: ").append(gaveUpBecause);
    }
    return s.toString();
  }

  private static void checkFile(Path file) throws VideoInputException {
    if (!Files.exists(file)) {
      throw new VideoInputException(file, "no such file");
    }
    if (!Files.isRegularFile(file)) {
      throw new VideoInputException(file, "not a regular file (a directory or device?)");
    }
    if (!Files.isReadable(file)) {
      throw new VideoInputException(file, "not readable (permission denied)");
    }
    long size;
    try {
      size = Files.size(file);
    } catch (IOException e) {
      throw new VideoInputException(file, "cannot read its size: " + e.getMessage(), e);
    }
    if (size == 0) {
      throw new VideoInputException(file, "empty file (0 bytes)");
    }
  }

  /** FFmpeg's exception in plain words: which step failed and FFmpeg's own error text. */
  static String reasonFor(Path file, Exception e) {
    String message = String.valueOf(e.getMessage());
    Matcher m = FFMPEG_ERROR.matcher(message);
    if (!m.find()) {
      return "FFmpeg cannot open it: " + message;
    }
    String step = m.group(1);
    int code = Integer.parseInt(m.group(2));
    String ffmpegText = errorText(code);
    if (step.equals("avformat_open_input")) {
      if (code == avutil.AVERROR_INVALIDDATA()) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        boolean isoMedia = name.endsWith(".mp4") || name.endsWith(".mov") || name.endsWith(".m4v");
        return "not a video file FFmpeg recognises (avformat_open_input: "
            + ffmpegText
            + ")"
            + (isoMedia
                ? "; an MP4 cut short before its index ('moov') was written fails so too"
                : "");
      }
      if (code == -2) {
        return "no such file (FFmpeg: " + ffmpegText + ")";
      }
      return "FFmpeg cannot open it (avformat_open_input: " + ffmpegText + ")";
    }
    if (step.equals("avformat_find_stream_info")) {
      return "FFmpeg cannot read its stream information (" + ffmpegText + ")";
    }
    if (step.startsWith("avcodec_open") || step.equals("avcodec_find_decoder")) {
      return "no decoder for its video codec (" + step + ": " + ffmpegText + ")";
    }
    return "FFmpeg cannot open it (" + step + ": " + ffmpegText + ")";
  }

  private static String errorText(int code) {
    byte[] buffer = new byte[256];
    if (avutil.av_strerror(code, buffer, buffer.length) != 0) {
      return "error " + code;
    }
    int length = 0;
    while (length < buffer.length && buffer[length] != 0) {
      length++;
    }
    return new String(buffer, 0, length, StandardCharsets.UTF_8);
  }

  private static void closeQuietly(FFmpegFrameGrabber grabber, Exception primary) {
    try {
      grabber.close();
    } catch (Exception e) {
      // The open failure is what the caller needs to see; keep this one with it.
      primary.addSuppressed(e);
    }
  }
}
