package io.vigil.pipeline.video;

import static org.bytedeco.opencv.global.opencv_imgproc.FILLED;
import static org.bytedeco.opencv.global.opencv_imgproc.FONT_HERSHEY_SIMPLEX;
import static org.bytedeco.opencv.global.opencv_imgproc.LINE_AA;
import static org.bytedeco.opencv.global.opencv_imgproc.putText;
import static org.bytedeco.opencv.global.opencv_imgproc.rectangle;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.OpenCVFrameConverter;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Point;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Scalar;

/**
 * Writes an annotated copy of a stream: each classified frame with its best label, its score and
 * the model version drawn in a band at the top (OpenCV {@code putText}), encoded with FFmpeg
 * ({@link FFmpegFrameRecorder}, MPEG-4 in the container the file name implies). The recorder opens
 * at the first frame, with that frame's size. Frames are drawn on in place: pass frames you own.
 * Not thread-safe; one per stream.
 */
public final class VideoAnnotator implements AutoCloseable {

  private final Path target;
  private final double fps;
  private final OpenCVFrameConverter.ToMat converter = new OpenCVFrameConverter.ToMat();
  private final Scalar black = new Scalar(0, 0, 0, 0);
  private final Scalar white = new Scalar(255, 255, 255, 0);
  private FFmpegFrameRecorder recorder;
  private long frames;

  /** An annotator writing to {@code target} at {@code fps} frames per second. */
  public VideoAnnotator(Path target, double fps) {
    this.target = target;
    this.fps = fps > 0 ? fps : 25;
  }

  /** Draws the label, score and model on {@code frame} and appends it to the video. */
  public void write(Frame frame, String label, float score, String model) throws IOException {
    try {
      if (recorder == null) {
        open(frame.imageWidth, frame.imageHeight);
      }
      Mat mat = converter.convert(frame);
      int band = Math.max(24, mat.rows() / 12);
      double scale = band / 40.0;
      try (Rect top = new Rect(0, 0, mat.cols(), band);
          Point labelAt = new Point(6, (int) (band * 0.45));
          Point modelAt = new Point(6, (int) (band * 0.9))) {
        rectangle(mat, top, black, FILLED, LINE_AA, 0);
        putText(
            mat,
            String.format(Locale.ROOT, "%s %.2f", label, score),
            labelAt,
            FONT_HERSHEY_SIMPLEX,
            scale,
            white,
            1,
            LINE_AA,
            false);
        putText(mat, model, modelAt, FONT_HERSHEY_SIMPLEX, scale * 0.8, white, 1, LINE_AA, false);
      }
      recorder.record(frame);
      frames++;
    } catch (FFmpegFrameRecorder.Exception e) {
      throw new IOException(target + ": writing annotated frame " + frames + " failed: " + e, e);
    }
  }

  /** Frames written so far. */
  public long frames() {
    return frames;
  }

  private void open(int width, int height) throws IOException, FFmpegFrameRecorder.Exception {
    Path parent = target.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    FfmpegLog.install();
    recorder = new FFmpegFrameRecorder(target.toFile(), width, height, 0);
    recorder.setVideoCodec(avcodec.AV_CODEC_ID_MPEG4);
    recorder.setPixelFormat(avutil.AV_PIX_FMT_YUV420P);
    recorder.setFrameRate(fps);
    recorder.setVideoQuality(4);
    recorder.start();
  }

  /** Finishes the video file and frees the encoder. */
  @Override
  public void close() throws IOException {
    try {
      if (recorder != null) {
        recorder.close();
      }
    } catch (FFmpegFrameRecorder.Exception e) {
      throw new IOException(target + ": finishing the annotated video failed: " + e, e);
    } finally {
      converter.close();
      black.close();
      white.close();
    }
  }
}
