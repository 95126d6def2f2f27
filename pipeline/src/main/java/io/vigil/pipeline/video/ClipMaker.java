package io.vigil.pipeline.video;

import io.vigil.engine.data.FashionMnist;
import io.vigil.engine.data.LabeledImages;
import io.vigil.engine.io.AtomicFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;

/**
 * Renders labeled images (one split of Fashion-MNIST, typically) into a video clip with a label
 * sidecar ({@link LabelSidecar}) that gives the true label of every frame; see {@link ClipSpec} for
 * the options, the scene changes ({@link io.vigil.engine.data.Appearance}) among them. Training
 * clips are made from the {@link Split#TRAIN training split}, so that no test image leaks into what
 * a model learns from.
 *
 * <p>The video is MPEG-4 Part 2 ({@code mpeg4}) at a fixed quantiser of {@value #QSCALE}, in an
 * MP4, AVI or Matroska container chosen by the file's extension. JavaCV's FFmpeg build is the LGPL
 * one, without libx264; its only H.264 encoder is OpenH264. Measured on 500 frames of 112×112
 * Fashion-MNIST: {@code mpeg4} q2 gives a mean absolute error of 0.0016 (worst frame 0.0026, in [0,
 * 1] units) at 317 KB; OpenH264 0.0005 (worst frame 0.0039) at 127 KB, and the same as {@code
 * mpeg4} with noise. OpenH264 sets its quality by its own rate control (the bitrate we set changed
 * nothing), so its worst frame depends on the content; {@code mpeg4}'s fixed quantiser bounds every
 * frame's error whatever the content, encodes several thousand such frames a second, and every
 * FFmpeg decodes it.
 *
 * <p>Both files are written atomically (a temporary file in the same directory, then a rename); the
 * sidecar is renamed first, so a clip that exists always has its labels.
 */
public final class ClipMaker {

  /** MPEG-4 quantiser: 1 is best, 31 worst; 2 is visually lossless for these images. */
  static final int QSCALE = 2;

  /** Which of a data set's two parts the images come from. */
  public enum Split {
    /** The images models are trained on (Fashion-MNIST: 60,000). */
    TRAIN,
    /** The images models are tested on (Fashion-MNIST: 10,000). */
    TEST;

    /** The name on the command line: {@code train} or {@code test}. */
    public String cliName() {
      return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The split called {@code name} ({@code train} or {@code test}, any case).
     *
     * @throws IllegalArgumentException naming both when {@code name} is neither
     */
    public static Split parse(String name) {
      for (Split s : values()) {
        if (s.cliName().equalsIgnoreCase(name.strip())) {
          return s;
        }
      }
      throw new IllegalArgumentException("unknown split '" + name + "'; known: train, test");
    }
  }

  /** Told how far a clip has got. Called from the thread that makes the clip, once per frame. */
  @FunctionalInterface
  public interface Progress {
    /** No progress reports. */
    Progress NONE = (written, total) -> {};

    void framesWritten(long written, long total);
  }

  /**
   * A clip that was made.
   *
   * @param video the video file
   * @param sidecar its label sidecar
   * @param frames frames in the video
   * @param codec the FFmpeg encoder used
   */
  public record Clip(Path video, Path sidecar, int frames, String codec) {}

  private final LabeledImages images;
  private final List<String> classNames;

  /**
   * A maker drawing from {@code images}, whose label {@code i} is named {@code classNames.get(i)}.
   */
  public ClipMaker(LabeledImages images, List<String> classNames) {
    this.images = Objects.requireNonNull(images, "images");
    this.classNames = List.copyOf(classNames);
    for (int label : images.labels()) {
      if (label < 0 || label >= this.classNames.size()) {
        throw new IllegalArgumentException(
            "clip maker: label " + label + " has no name among " + this.classNames.size());
      }
    }
  }

  /** A maker drawing from the {@code split} images of the Fashion-MNIST files in {@code dir}. */
  public static ClipMaker fashionMnist(Path dir, Split split) throws IOException {
    LabeledImages images =
        switch (split) {
          case TRAIN -> FashionMnist.train(dir);
          case TEST -> FashionMnist.test(dir);
        };
    return new ClipMaker(images, FashionMnist.CLASS_NAMES);
  }

  /** A maker drawing from the Fashion-MNIST test set in {@code dir}. */
  public static ClipMaker fashionMnistTest(Path dir) throws IOException {
    return fashionMnist(dir, Split.TEST);
  }

  /**
   * Renders {@code spec} to {@code video} ({@code .mp4}, {@code .avi} or {@code .mkv}) and its
   * sidecar {@link LabelSidecar#pathFor(Path) beside it}, replacing existing files.
   *
   * @throws IllegalArgumentException if the extension is not one of those, or the spec asks for
   *     images the set does not have
   * @throws IOException if encoding or writing fails; no partial file is left behind
   */
  public Clip make(ClipSpec spec, Path video, Progress progress) throws IOException {
    Objects.requireNonNull(progress, "progress");
    String container = containerFor(video);
    ClipRenderer renderer = new ClipRenderer(images, spec);
    FfmpegLog.install();
    int total = spec.totalFrames();
    int[] labels = new int[total];
    Path sidecar = LabelSidecar.pathFor(video);
    Path temp = AtomicFiles.tempBeside(video);
    boolean sidecarWritten = false;
    try {
      encode(spec, renderer, container, temp, labels, progress);
      LabelSidecar.write(sidecar, labels, classNames);
      sidecarWritten = true;
      AtomicFiles.commit(temp, video);
    } catch (IOException | RuntimeException e) {
      AtomicFiles.discard(temp, e);
      if (sidecarWritten) {
        // These labels describe a video that was never published.
        AtomicFiles.discard(sidecar, e);
      }
      throw e;
    }
    return new Clip(video, sidecar, total, "mpeg4");
  }

  private static void encode(
      ClipSpec spec,
      ClipRenderer renderer,
      String container,
      Path temp,
      int[] labels,
      Progress progress)
      throws IOException {
    int scale = spec.scale();
    byte[] canvas = new byte[scale * scale];
    try (Frame frame = new Frame(scale, scale, Frame.DEPTH_UBYTE, 1);
        FFmpegFrameRecorder recorder = new FFmpegFrameRecorder(temp.toFile(), scale, scale, 0)) {
      recorder.setFormat(container);
      recorder.setVideoCodec(avcodec.AV_CODEC_ID_MPEG4);
      recorder.setPixelFormat(avutil.AV_PIX_FMT_YUV420P);
      recorder.setFrameRate(spec.fps());
      recorder.setVideoQuality(QSCALE);
      recorder.start();
      ByteBuffer pixels = (ByteBuffer) frame.image[0];
      for (int i = 0; i < labels.length; i++) {
        renderer.draw(i, canvas);
        for (int y = 0; y < scale; y++) {
          // The frame's rows may be padded: copy row by row at its stride.
          pixels.put(y * frame.imageStride, canvas, y * scale, scale);
        }
        recorder.record(frame, avutil.AV_PIX_FMT_GRAY8);
        labels[i] = renderer.labelOf(i);
        progress.framesWritten(i + 1, labels.length);
      }
      recorder.stop();
    }
  }

  private static String containerFor(Path video) {
    String name = video.getFileName().toString().toLowerCase(Locale.ROOT);
    if (name.endsWith(".mp4")) {
      return "mp4";
    }
    if (name.endsWith(".avi")) {
      return "avi";
    }
    if (name.endsWith(".mkv")) {
      return "matroska";
    }
    throw new IllegalArgumentException(
        "clip maker: " + video + ": unsupported extension, use .mp4, .avi or .mkv");
  }
}
