package io.vigil.engine.data;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.stream.Collectors;

/**
 * A change in how a scene looks to a camera, applied to 8-bit images: what makes a model trained on
 * the old scene fail on the new one (night, a flipped polariser, a moved camera). Used to render
 * labeled clips of a changed scene ({@code vigil make-clip --appearance}) and to check that
 * retraining recovers from changes it was not tuned on.
 *
 * <p>Each change maps an image of {@code channels × height × width} bytes (CHW, 0 = black) to one
 * of the same size; pixels that a geometric change brings in from outside the frame are black.
 *
 * <ul>
 *   <li>{@link #NONE}: unchanged.
 *   <li>{@link #INVERTED}: {@code p' = 255 − p} (a negative; the classic hard case).
 *   <li>{@link #DARK_NOISE}: {@code p' = 0.45·p + n}, n Gaussian with σ = 12 grey levels (night:
 *       less light, more sensor noise).
 *   <li>{@link #CONTRAST}: {@code p' = 70 + 0.5·p} (a washed-out, brighter, flatter picture).
 *   <li>{@link #ROTATED}: turned 25° clockwise about the centre, bilinear (a camera knocked askew).
 *   <li>{@link #BLURRED}: two passes of a 3 × 3 box filter, about a Gaussian of σ = 1.15 pixels (a
 *       lens out of focus).
 *   <li>{@link #SHIFTED}: moved 4 pixels right and 3 down (a camera that slid).
 * </ul>
 */
public enum Appearance {
  NONE,
  INVERTED,
  DARK_NOISE,
  CONTRAST,
  ROTATED,
  BLURRED,
  SHIFTED;

  private static final double DARK_GAIN = 0.45;
  private static final double DARK_NOISE_SIGMA = 12;
  private static final double CONTRAST_OFFSET = 70;
  private static final double CONTRAST_GAIN = 0.5;
  private static final double ROTATION_DEGREES = 25;
  private static final int SHIFT_X = 4;
  private static final int SHIFT_Y = 3;

  /** The name used on the command line and in configuration: lower case, '-' for '_'. */
  public String cliName() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /**
   * The appearance called {@code name} (as {@link #cliName()} writes it, any case).
   *
   * @throws IllegalArgumentException naming the known appearances when there is none of that name
   */
  public static Appearance parse(String name) {
    for (Appearance a : values()) {
      if (a.cliName().equalsIgnoreCase(name.trim()) || a.name().equalsIgnoreCase(name.trim())) {
        return a;
      }
    }
    throw new IllegalArgumentException(
        "unknown appearance '" + name + "'; known: " + String.join(", ", cliNames()));
  }

  /** Every appearance's {@link #cliName()}, in declaration order. */
  public static List<String> cliNames() {
    return Arrays.stream(values()).map(Appearance::cliName).collect(Collectors.toList());
  }

  /**
   * Changes one image in place: {@code channels × height × width} bytes of {@code pixels} from
   * {@code offset}. {@code random} is drawn from only by {@link #DARK_NOISE}.
   */
  public void apply(byte[] pixels, int offset, int channels, int height, int width, Random random) {
    int plane = height * width;
    for (int c = 0; c < channels; c++) {
      int base = offset + c * plane;
      switch (this) {
        case NONE -> {}
        case INVERTED -> {
          for (int i = base; i < base + plane; i++) {
            pixels[i] = (byte) (255 - (pixels[i] & 0xFF));
          }
        }
        case DARK_NOISE -> {
          for (int i = base; i < base + plane; i++) {
            double v = DARK_GAIN * (pixels[i] & 0xFF) + random.nextGaussian() * DARK_NOISE_SIGMA;
            pixels[i] = clip(v);
          }
        }
        case CONTRAST -> {
          for (int i = base; i < base + plane; i++) {
            pixels[i] = clip(CONTRAST_OFFSET + CONTRAST_GAIN * (pixels[i] & 0xFF));
          }
        }
        case ROTATED -> rotate(pixels, base, height, width);
        case BLURRED -> {
          boxBlur(pixels, base, height, width);
          boxBlur(pixels, base, height, width);
        }
        case SHIFTED -> shift(pixels, base, height, width);
      }
    }
  }

  /**
   * A changed copy of {@code images} (labels kept); {@code seed} fixes the noise, so the same seed
   * gives the same pixels.
   */
  public LabeledImages applyTo(LabeledImages images, long seed) {
    byte[] out = images.pixels().clone();
    Random random = new Random(seed);
    int size = images.imageSize();
    for (int i = 0; i < images.count(); i++) {
      apply(out, i * size, images.channels(), images.height(), images.width(), random);
    }
    return new LabeledImages(
        images.count(),
        images.channels(),
        images.height(),
        images.width(),
        out,
        images.labels().clone());
  }

  private static byte clip(double v) {
    return (byte) Math.max(0, Math.min(255, Math.round(v)));
  }

  /** Rotates one plane clockwise by {@link #ROTATION_DEGREES} about its centre, bilinear. */
  private static void rotate(byte[] p, int base, int h, int w) {
    byte[] src = Arrays.copyOfRange(p, base, base + h * w);
    double a = Math.toRadians(ROTATION_DEGREES);
    double cos = Math.cos(a);
    double sin = Math.sin(a);
    double cy = (h - 1) / 2.0;
    double cx = (w - 1) / 2.0;
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        // The source point that lands on (x, y): the inverse rotation.
        double dx = x - cx;
        double dy = y - cy;
        double sx = cx + cos * dx + sin * dy;
        double sy = cy - sin * dx + cos * dy;
        p[base + y * w + x] = clip(bilinear(src, h, w, sy, sx));
      }
    }
  }

  private static double bilinear(byte[] src, int h, int w, double y, double x) {
    int x0 = (int) Math.floor(x);
    int y0 = (int) Math.floor(y);
    double fx = x - x0;
    double fy = y - y0;
    return (1 - fy) * ((1 - fx) * at(src, h, w, y0, x0) + fx * at(src, h, w, y0, x0 + 1))
        + fy * ((1 - fx) * at(src, h, w, y0 + 1, x0) + fx * at(src, h, w, y0 + 1, x0 + 1));
  }

  /** The pixel at (y, x), black outside the plane. */
  private static int at(byte[] src, int h, int w, int y, int x) {
    return y < 0 || y >= h || x < 0 || x >= w ? 0 : src[y * w + x] & 0xFF;
  }

  /** One pass of a 3 × 3 box filter; the border averages the pixels inside the plane only. */
  private static void boxBlur(byte[] p, int base, int h, int w) {
    byte[] src = Arrays.copyOfRange(p, base, base + h * w);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int sum = 0;
        int n = 0;
        for (int yy = Math.max(0, y - 1); yy <= Math.min(h - 1, y + 1); yy++) {
          for (int xx = Math.max(0, x - 1); xx <= Math.min(w - 1, x + 1); xx++) {
            sum += src[yy * w + xx] & 0xFF;
            n++;
          }
        }
        p[base + y * w + x] = clip(sum / (double) n);
      }
    }
  }

  private static void shift(byte[] p, int base, int h, int w) {
    byte[] src = Arrays.copyOfRange(p, base, base + h * w);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        p[base + y * w + x] = (byte) at(src, h, w, y - SHIFT_Y, x - SHIFT_X);
      }
    }
  }
}
