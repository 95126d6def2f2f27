package io.vigil.pipeline.video;

import static org.bytedeco.opencv.global.opencv_core.BORDER_CONSTANT;
import static org.bytedeco.opencv.global.opencv_core.CV_32F;
import static org.bytedeco.opencv.global.opencv_core.CV_32FC1;
import static org.bytedeco.opencv.global.opencv_core.copyMakeBorder;
import static org.bytedeco.opencv.global.opencv_core.extractChannel;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGR2GRAY;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGR2RGB;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGRA2GRAY;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGRA2RGB;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_GRAY2RGB;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import io.vigil.engine.model.InputContract;
import io.vigil.pipeline.result.RegionOfInterest;
import java.nio.FloatBuffer;
import java.util.Objects;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.OpenCVFrameConverter;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * Turns a video frame into one model input: {@code contract.channels() × height × width} floats in
 * CHW order, each {@code (p / 255 − mean[c]) / std[c]} for an 8-bit pixel {@code p} of channel
 * {@code c}.
 *
 * <p>Frames may be any size and have 1 (gray), 3 (BGR, as FFmpeg's grabber and OpenCV deliver them)
 * or 4 (BGRA) 8-bit channels. With a region of interest ({@link Preprocessing#roi()}) only that
 * rectangle of the frame is used, cut out first (a view, not a copy). The image is converted to
 * gray or to RGB (in that channel order) and resized with OpenCV: {@code INTER_AREA} when shrinking
 * in both directions (it averages, so no aliasing), {@code INTER_LINEAR} otherwise. Resizing
 * happens in 8 bits, after the conversion to gray or before the one to RGB when shrinking; only the
 * final {@code height × width} image is converted to floats.
 *
 * <p>{@link ResizeMode#STRETCH} resizes a {@code w × h} image to {@code W × H} directly. {@link
 * ResizeMode#LETTERBOX} scales it by {@code s = min(W / w, H / h)} to {@code round(w·s) ×
 * round(h·s)}, so it keeps its aspect ratio and one side fills the input, and centres it: the
 * padding is split in two, the odd pixel going to the right or bottom bar, and every channel of the
 * padding holds {@link Preprocessing#fill()} before normalisation.
 *
 * <p>After the first frame of a given size, a call allocates no native memory and no arrays: the
 * intermediate images, the region's view and the per-channel float planes are reused. Not
 * thread-safe; one per stream. {@link #close()} frees the native memory.
 */
public final class FramePreprocessor implements AutoCloseable {

  private final InputContract contract;
  private final Preprocessing preprocessing;
  private final String source;
  private final OpenCVFrameConverter.ToMat wrapper = new OpenCVFrameConverter.ToMat();
  private final Size targetSize;
  private final Size scaledSize = new Size();
  private final Scalar fill;
  private final Rect roiRect;
  private final Mat resized = new Mat();
  private final Mat padded = new Mat();
  private final Mat recoloured = new Mat();
  private final Mat scaled = new Mat();
  private final Mat bytePlane = new Mat();
  private final Mat[] planes;
  private final FloatBuffer[] planeViews;

  /** Per channel: {@code alpha[c]·p + beta[c]} is {@code (p / 255 − mean[c]) / std[c]}. */
  private final double[] alpha;

  private final double[] beta;
  private Mat croppedFrom;
  private Mat cropped;
  private boolean closed;

  /** A preprocessor for inputs of the given contract: whole frames, stretched. */
  public FramePreprocessor(InputContract contract) {
    this(contract, Preprocessing.STRETCH, "frame preprocessor");
  }

  /**
   * A preprocessor for inputs of the given contract, fitted as {@code preprocessing} says.
   *
   * @param source the stream or file the frames come from, named in errors about its frames
   */
  public FramePreprocessor(InputContract contract, Preprocessing preprocessing, String source) {
    this.contract = Objects.requireNonNull(contract, "contract");
    this.preprocessing = Objects.requireNonNull(preprocessing, "preprocessing");
    this.source = Objects.requireNonNull(source, "source");
    this.targetSize = new Size(contract.width(), contract.height());
    this.fill =
        new Scalar(
            preprocessing.fill(), preprocessing.fill(), preprocessing.fill(), preprocessing.fill());
    RegionOfInterest roi = preprocessing.roi();
    this.roiRect = roi == null ? null : new Rect(roi.x(), roi.y(), roi.width(), roi.height());
    // One float image per channel, allocated once; converting into a Mat of the right size and
    // type reuses its memory, so the views over it stay valid.
    this.planes = new Mat[contract.channels()];
    this.planeViews = new FloatBuffer[contract.channels()];
    for (int c = 0; c < planes.length; c++) {
      planes[c] = new Mat(contract.height(), contract.width(), CV_32FC1);
      planeViews[c] = planes[c].createBuffer();
    }
    // p/255 then (x − mean[c])/std[c], folded into one linear map per channel for convertTo.
    this.alpha = new double[contract.channels()];
    this.beta = new double[contract.channels()];
    for (int c = 0; c < alpha.length; c++) {
      alpha[c] = 1.0 / (255.0 * contract.std(c));
      beta[c] = -contract.mean(c) / contract.std(c);
    }
  }

  /** The contract this preprocessor produces inputs for. */
  public InputContract contract() {
    return contract;
  }

  /** How frames are fitted to the contract. */
  public Preprocessing preprocessing() {
    return preprocessing;
  }

  /**
   * Writes {@code contract().size()} normalised CHW floats for {@code frame} into {@code dst},
   * starting at {@code offset}. The frame is only read.
   *
   * @throws IllegalArgumentException if the frame has no image, is not 8-bit unsigned, has a
   *     channel count other than 1, 3 or 4, or {@code dst} has no room from {@code offset}
   * @throws RegionOfInterest.RegionOutsideFrameException if the region of interest does not lie
   *     inside the frame (the message names the source, the region and the frame's size)
   * @throws IllegalStateException if this preprocessor was closed
   */
  public void toTensor(Frame frame, float[] dst, int offset) {
    if (closed) {
      throw new IllegalStateException("frame preprocessor: already closed");
    }
    Objects.requireNonNull(frame, "frame");
    Objects.requireNonNull(dst, "dst");
    checkFrame(frame);
    if (offset < 0 || dst.length - offset < contract.size()) {
      throw new IllegalArgumentException(
          "frame preprocessor: dst has "
              + dst.length
              + " floats; "
              + contract.size()
              + " do not fit from offset "
              + offset);
    }
    Mat image = wrapper.convert(frame);
    long sourcePixels = (long) frame.imageWidth * frame.imageHeight;
    RegionOfInterest roi = preprocessing.roi();
    if (roi != null) {
      roi.checkInside(frame.imageWidth, frame.imageHeight, source);
      image = crop(image);
      sourcePixels = (long) roi.width() * roi.height();
    }
    long targetPixels = (long) contract.width() * contract.height();
    // Resize the image with fewer bytes: to gray first (one channel to resize instead of three),
    // otherwise resize first when shrinking.
    boolean toGray = contract.channels() == 1 && frame.imageChannels > 1;
    if (!toGray && targetPixels < sourcePixels) {
      image = recolour(fit(image), frame.imageChannels);
    } else {
      image = fit(recolour(image, frame.imageChannels));
    }
    if (contract.channels() == 1) {
      image.convertTo(planes[0], CV_32F, alpha[0], beta[0]);
    } else if (contract.uniform()) {
      image.convertTo(scaled, CV_32F, alpha[0], beta[0]);
      for (int c = 0; c < planes.length; c++) {
        extractChannel(scaled, planes[c], c);
      }
    } else {
      // Each 8-bit channel on its own, converted with its own scale and shift.
      for (int c = 0; c < planes.length; c++) {
        extractChannel(image, bytePlane, c);
        bytePlane.convertTo(planes[c], CV_32F, alpha[c], beta[c]);
      }
    }
    int plane = contract.height() * contract.width();
    for (int c = 0; c < planes.length; c++) {
      planeViews[c].get(0, dst, offset + c * plane, plane);
    }
  }

  /** Frees the native buffers; the preprocessor cannot be used afterwards. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    wrapper.close();
    for (Mat plane : planes) {
      plane.close();
    }
    if (cropped != null) {
      cropped.close();
    }
    if (roiRect != null) {
      roiRect.close();
    }
    scaled.close();
    bytePlane.close();
    recoloured.close();
    resized.close();
    padded.close();
    fill.close();
    scaledSize.close();
    targetSize.close();
  }

  /**
   * The region of interest of {@code whole}, as a view into its pixels. The view is made again only
   * when the converter hands over another image (another frame buffer, or another size), so a
   * decoder that reuses its buffer costs no new view per frame.
   */
  private Mat crop(Mat whole) {
    if (whole != croppedFrom) {
      if (cropped != null) {
        cropped.close();
      }
      cropped = whole.apply(roiRect);
      croppedFrom = whole;
    }
    return cropped;
  }

  /** {@code image} at the contract's size: stretched, or letterboxed into padding. */
  private Mat fit(Mat image) {
    int width = contract.width();
    int height = contract.height();
    if (preprocessing.resize() == ResizeMode.STRETCH) {
      return resizeTo(image, width, height, targetSize);
    }
    InputFit fit = InputFit.of(preprocessing.resize(), image.cols(), image.rows(), width, height);
    scaledSize.width(fit.innerWidth()).height(fit.innerHeight());
    Mat inner = resizeTo(image, fit.innerWidth(), fit.innerHeight(), scaledSize);
    if (fit.fills(width, height)) {
      return inner;
    }
    int left = fit.left();
    int top = fit.top();
    int innerWidth = fit.innerWidth();
    int innerHeight = fit.innerHeight();
    copyMakeBorder(
        inner,
        padded,
        top,
        height - innerHeight - top,
        left,
        width - innerWidth - left,
        BORDER_CONSTANT,
        fill);
    return padded;
  }

  private Mat resizeTo(Mat image, int width, int height, Size size) {
    if (image.cols() == width && image.rows() == height) {
      return image;
    }
    boolean shrinking = width <= image.cols() && height <= image.rows();
    resize(image, resized, size, 0, 0, shrinking ? INTER_AREA : INTER_LINEAR);
    return resized;
  }

  private Mat recolour(Mat image, int frameChannels) {
    int code = colourConversion(frameChannels, contract.channels());
    if (code < 0) {
      return image;
    }
    cvtColor(image, recoloured, code);
    return recoloured;
  }

  /** The OpenCV conversion from the frame's channels to the contract's, or -1 for none. */
  private static int colourConversion(int from, int to) {
    if (to == 1) {
      return from == 1 ? -1 : from == 3 ? COLOR_BGR2GRAY : COLOR_BGRA2GRAY;
    }
    return from == 1 ? COLOR_GRAY2RGB : from == 3 ? COLOR_BGR2RGB : COLOR_BGRA2RGB;
  }

  private static void checkFrame(Frame frame) {
    if (frame.image == null || frame.image.length == 0 || frame.image[0] == null) {
      throw new IllegalArgumentException("frame preprocessor: the frame holds no image");
    }
    if (frame.imageDepth != Frame.DEPTH_UBYTE) {
      throw new IllegalArgumentException(
          "frame preprocessor: frame depth must be 8-bit unsigned (Frame.DEPTH_UBYTE), got "
              + frame.imageDepth);
    }
    int c = frame.imageChannels;
    if (c != 1 && c != 3 && c != 4) {
      throw new IllegalArgumentException(
          "frame preprocessor: frame must have 1 (gray), 3 (BGR) or 4 (BGRA) channels, got " + c);
    }
    if (!frame.image[0].isDirect()) {
      throw new IllegalArgumentException(
          "frame preprocessor: the frame's pixels must be in a direct buffer (OpenCV reads them"
              + " in place)");
    }
    if (frame.imageWidth < 1 || frame.imageHeight < 1) {
      throw new IllegalArgumentException(
          "frame preprocessor: empty frame " + frame.imageWidth + "×" + frame.imageHeight);
    }
  }
}
