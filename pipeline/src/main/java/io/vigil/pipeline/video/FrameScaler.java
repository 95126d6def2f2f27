package io.vigil.pipeline.video;

import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_FLAG_BITSTREAM;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_FLAG_HWACCEL;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_FLAG_PAL;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_GBRP;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_GRAY8;
import static org.bytedeco.ffmpeg.global.avutil.av_free;
import static org.bytedeco.ffmpeg.global.avutil.av_image_fill_max_pixsteps;
import static org.bytedeco.ffmpeg.global.avutil.av_malloc;
import static org.bytedeco.ffmpeg.global.avutil.av_pix_fmt_desc_get;
import static org.bytedeco.ffmpeg.global.swscale.SWS_AREA;
import static org.bytedeco.ffmpeg.global.swscale.sws_freeContext;
import static org.bytedeco.ffmpeg.global.swscale.sws_getCachedContext;
import static org.bytedeco.ffmpeg.global.swscale.sws_scale;

import io.vigil.engine.model.InputContract;
import io.vigil.pipeline.result.RegionOfInterest;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.avutil.AVPixFmtDescriptor;
import org.bytedeco.ffmpeg.swscale.SwsContext;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;

/**
 * Turns a decoded picture, in whatever pixel format its decoder produced (planar YUV of 8 or 10
 * bits, 4:2:0, 4:2:2 or 4:4:4, packed RGB or BGR, paletted), into one model input with one pass of
 * FFmpeg's swscale: the region of interest is cut out by moving the plane pointers, and the picture
 * is scaled straight to the input size by area averaging ({@code SWS_AREA}, what {@code ffmpeg -vf
 * scale=W:H:flags=area} does; bilinear when enlarging) and converted to gray (the luma, expanded to
 * full range) or to planar RGB. Only the input-sized picture is ever written; it is then
 * normalised, {@code (p / 255 − mean[c]) / std[c]} per channel through a 256-entry table, into the
 * caller's floats (CHW). A letterbox's padding is never scaled: it is written as the normalised
 * fill value.
 *
 * <p>This replaces, for whole-frame inputs, the decoder's full-size BGR conversion followed by
 * {@link FramePreprocessor}'s OpenCV gray conversion and resize: the work is one scaled pass over
 * the decoded planes, so a 1080p frame for a 28×28 model never exists at full size in another
 * format. The result agrees with {@link FramePreprocessor} on the same frame to within a few levels
 * of 255 (both average areas, both use BT.601 weights for gray); {@code FrameScalerTest} measures
 * it.
 *
 * <p>After the first frame of a given size and pixel format, a call allocates no pixel memory: the
 * scaling context, the scaled planes and the plane pointers are reused. Not thread-safe; one per
 * stream. {@link #close()} frees the native memory.
 */
public final class FrameScaler implements AutoCloseable {

  /** Row alignment of the scaled planes: swscale's vector code writes whole aligned blocks. */
  private static final int ALIGN = 64;

  private static final int MAX_PLANES = 4;

  private final InputContract contract;
  private final Preprocessing preprocessing;
  private final String source;
  private final int outputFormat;

  /** The scaled plane each input channel reads: gray, or R, G, B from GBRP's G, B, R planes. */
  private final int[] planeOfChannel;

  /** Per channel, the normalised float of each 8-bit value. */
  private final float[][] normalised;

  private final PointerPointer<BytePointer> sourcePlanes = new PointerPointer<>(MAX_PLANES);
  private final IntPointer sourceStrides = new IntPointer(MAX_PLANES);
  private final PointerPointer<BytePointer> scaledPlanes = new PointerPointer<>(MAX_PLANES);
  private final IntPointer scaledStrides = new IntPointer(MAX_PLANES);
  private final int[] maxPixelSteps = new int[MAX_PLANES];

  private SwsContext context;
  private int sourceFormat = -1;
  private int sourceWidth;
  private int sourceHeight;
  private int chromaShiftX;
  private int chromaShiftY;
  private boolean paletted;
  private InputFit fit;
  private int scaledStride;
  private BytePointer scaled;
  private ByteBuffer scaledView;
  private byte[] scaledBytes;
  private boolean closed;

  /**
   * A scaler for inputs of the given contract, fitted as {@code preprocessing} says.
   *
   * @param source the stream or file the pictures come from, named in errors about them
   */
  public FrameScaler(InputContract contract, Preprocessing preprocessing, String source) {
    this.contract = Objects.requireNonNull(contract, "contract");
    this.preprocessing = Objects.requireNonNull(preprocessing, "preprocessing");
    this.source = Objects.requireNonNull(source, "source");
    // An input contract has 1 (gray) or 3 (RGB) channels.
    int channels = contract.channels();
    if (channels == 1) {
      outputFormat = AV_PIX_FMT_GRAY8;
      planeOfChannel = new int[] {0};
    } else {
      outputFormat = AV_PIX_FMT_GBRP;
      planeOfChannel = new int[] {2, 0, 1};
    }
    normalised = new float[channels][256];
    for (int c = 0; c < channels; c++) {
      // (p / 255 − mean) / std, as one scale and shift per channel.
      double scale = 1.0 / (255.0 * contract.std(c));
      double shift = -contract.mean(c) / contract.std(c);
      for (int p = 0; p < 256; p++) {
        normalised[c][p] = (float) (p * scale + shift);
      }
    }
  }

  /** The contract this scaler produces inputs for. */
  public InputContract contract() {
    return contract;
  }

  /**
   * Writes {@code contract().size()} normalised CHW floats for {@code picture} into {@code dst},
   * starting at {@code offset}. The picture is only read.
   *
   * @throws IllegalArgumentException if the picture is empty, in a hardware or unknown pixel
   *     format, or {@code dst} has no room from {@code offset}
   * @throws RegionOfInterest.RegionOutsideFrameException if the region of interest does not lie
   *     inside the picture
   * @throws IllegalStateException if this scaler was closed, or swscale fails
   */
  public void toTensor(AVFrame picture, float[] dst, int offset) {
    if (closed) {
      throw new IllegalStateException(source + ": frame scaler already closed");
    }
    Objects.requireNonNull(picture, "picture");
    Objects.requireNonNull(dst, "dst");
    if (offset < 0 || dst.length - offset < contract.size()) {
      throw new IllegalArgumentException(
          source
              + ": dst has "
              + dst.length
              + " floats; "
              + contract.size()
              + " do not fit from offset "
              + offset);
    }
    int width = picture.width();
    int height = picture.height();
    if (width < 1 || height < 1 || picture.data(0) == null || picture.data(0).isNull()) {
      throw new IllegalArgumentException(
          source + ": empty picture " + width + "×" + height + " (nothing decoded into it)");
    }
    RegionOfInterest roi = preprocessing.roi();
    int x = 0;
    int y = 0;
    if (roi != null) {
      roi.checkInside(width, height, source);
      x = roi.x();
      y = roi.y();
      width = roi.width();
      height = roi.height();
    }
    configure(picture.format(), width, height);
    pointAtRegion(picture, x, y);
    int rows =
        sws_scale(context, sourcePlanes, sourceStrides, 0, height, scaledPlanes, scaledStrides);
    if (rows <= 0) {
      throw new IllegalStateException(
          source
              + ": swscale could not scale a "
              + width
              + "×"
              + height
              + " picture ("
              + rows
              + ")");
    }
    scaledView.get(0, scaledBytes, 0, scaledBytes.length);
    normalise(dst, offset);
  }

  /** Sets up scaling from this source format and size; a no-op while they stay the same. */
  private void configure(int format, int width, int height) {
    if (format == sourceFormat && width == sourceWidth && height == sourceHeight) {
      return;
    }
    AVPixFmtDescriptor descriptor = format < 0 ? null : av_pix_fmt_desc_get(format);
    if (descriptor == null) {
      throw new IllegalArgumentException(source + ": unknown pixel format " + format);
    }
    String name = descriptor.name().getString();
    if ((descriptor.flags() & AV_PIX_FMT_FLAG_HWACCEL) != 0) {
      throw new IllegalArgumentException(
          source + ": the picture is in hardware format " + name + "; it must be in memory");
    }
    if ((descriptor.flags() & AV_PIX_FMT_FLAG_BITSTREAM) != 0
        && preprocessing.roi() != null
        && preprocessing.roi().x() % 8 != 0) {
      throw new IllegalArgumentException(
          source
              + ": a region of interest of a 1-bit picture ("
              + name
              + ") must start at a multiple of 8 pixels, not x = "
              + preprocessing.roi().x());
    }
    fit = InputFit.of(preprocessing.resize(), width, height, contract.width(), contract.height());
    context =
        sws_getCachedContext(
            context,
            width,
            height,
            format,
            fit.innerWidth(),
            fit.innerHeight(),
            outputFormat,
            SWS_AREA,
            null,
            null,
            (DoublePointer) null);
    if (context == null) {
      throw new IllegalArgumentException(
          source
              + ": FFmpeg cannot convert "
              + name
              + " pictures of "
              + width
              + "×"
              + height
              + " to the model's input");
    }
    av_image_fill_max_pixsteps(maxPixelSteps, null, descriptor);
    chromaShiftX = descriptor.log2_chroma_w();
    chromaShiftY = descriptor.log2_chroma_h();
    paletted = (descriptor.flags() & AV_PIX_FMT_FLAG_PAL) != 0;
    allocateScaled();
    sourceFormat = format;
    sourceWidth = width;
    sourceHeight = height;
  }

  /** The scaled planes at the fit's inner size, one per output plane, rows aligned. */
  private void allocateScaled() {
    int planes = planeOfChannel.length;
    int stride = (fit.innerWidth() + ALIGN - 1) / ALIGN * ALIGN;
    int planeBytes = stride * fit.innerHeight();
    if (scaled == null || scaledBytes.length != planes * planeBytes) {
      freeScaled();
      scaled = new BytePointer(av_malloc((long) planes * planeBytes));
      if (scaled.isNull()) {
        throw new OutOfMemoryError(source + ": no native memory for the scaled picture");
      }
      scaled.capacity((long) planes * planeBytes);
      scaledView = scaled.asByteBuffer();
      scaledBytes = new byte[planes * planeBytes];
    }
    scaledStride = stride;
    for (int p = 0; p < planes; p++) {
      scaledPlanes.put(p, scaled.getPointer((long) p * planeBytes));
      scaledStrides.put(p, stride);
    }
  }

  /**
   * Points the source planes at the region's top left corner: rows and pixel steps on full-size
   * planes, and on subsampled chroma planes the same shifted by the subsampling (as FFmpeg's crop
   * filter does). A palette is not moved.
   */
  private void pointAtRegion(AVFrame picture, int x, int y) {
    for (int p = 0; p < MAX_PLANES; p++) {
      BytePointer plane = picture.data(p);
      int stride = picture.linesize(p);
      if (plane == null || plane.isNull()) {
        sourcePlanes.put(p, (Pointer) null);
        sourceStrides.put(p, 0);
        continue;
      }
      long skip;
      if (paletted && p == 1) {
        skip = 0;
      } else if (p == 1 || p == 2) {
        skip =
            (long) (y >> chromaShiftY) * stride + (((long) x * maxPixelSteps[p]) >> chromaShiftX);
      } else {
        skip = (long) y * stride + (long) x * maxPixelSteps[p];
      }
      sourcePlanes.put(p, skip == 0 ? plane : plane.getPointer(skip));
      sourceStrides.put(p, stride);
    }
  }

  /** The scaled planes into {@code dst} as normalised CHW floats, padding where the fit has it. */
  private void normalise(float[] dst, int offset) {
    int width = contract.width();
    int height = contract.height();
    int innerWidth = fit.innerWidth();
    int innerHeight = fit.innerHeight();
    int left = fit.left();
    int top = fit.top();
    int planeBytes = scaledStride * innerHeight;
    int fill = preprocessing.fill();
    for (int c = 0; c < planeOfChannel.length; c++) {
      float[] table = normalised[c];
      float padding = table[fill];
      int out = offset + c * width * height;
      int plane = planeOfChannel[c] * planeBytes;
      for (int row = 0; row < height; row++) {
        int innerRow = row - top;
        if (innerRow < 0 || innerRow >= innerHeight) {
          Arrays.fill(dst, out, out + width, padding);
          out += width;
          continue;
        }
        Arrays.fill(dst, out, out + left, padding);
        out += left;
        int in = plane + innerRow * scaledStride;
        for (int col = 0; col < innerWidth; col++) {
          dst[out++] = table[scaledBytes[in + col] & 0xff];
        }
        Arrays.fill(dst, out, out + width - left - innerWidth, padding);
        out += width - left - innerWidth;
      }
    }
  }

  /** Frees the scaling context and the scaled planes; the scaler cannot be used afterwards. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (context != null) {
      sws_freeContext(context);
      context = null;
    }
    freeScaled();
    sourcePlanes.close();
    sourceStrides.close();
    scaledPlanes.close();
    scaledStrides.close();
  }

  private void freeScaled() {
    if (scaled != null) {
      av_free(scaled);
      scaled = null;
      scaledView = null;
    }
  }
}
