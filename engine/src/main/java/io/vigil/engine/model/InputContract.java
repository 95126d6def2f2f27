package io.vigil.engine.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * What a model expects as input: one image of {@code channels × height × width} floats in CHW
 * order, each pixel scaled to [0, 1] and then normalised per channel as {@code (p − mean[c]) /
 * std[c]}.
 *
 * <p>{@code channels} is 1 for grayscale and 3 for RGB (in that channel order). The pipeline
 * resizes and converts every video frame to this contract before it reaches the engine.
 *
 * <p>A <em>uniform</em> contract has one mean and one std for every channel ({@link #mean()},
 * {@link #std()}); it is what the five-argument constructor makes. A per-channel contract ({@link
 * #perChannel}, e.g. torchvision's ImageNet statistics) has a mean and std for each channel; read
 * them with {@link #mean(int)} and {@link #std(int)}, which work for both kinds. For a per-channel
 * contract the components {@code mean} and {@code std} are NaN, their accessors throw, and {@code
 * channelMeans}/{@code channelStds} hold the values (unmodifiable, one per channel); for a uniform
 * contract those lists are null. Per-channel values that are the same for every channel make a
 * uniform contract, so two contracts that normalise alike are equal.
 */
public record InputContract(
    int channels,
    int height,
    int width,
    float mean,
    float std,
    List<Float> channelMeans,
    List<Float> channelStds) {

  /**
   * The canonical constructor. Give either {@code mean} and {@code std} with null lists (uniform),
   * or NaN for both and one value per channel in each list (per-channel; {@link #perChannel} is the
   * convenient way).
   */
  public InputContract {
    checkShape(channels, height, width);
    if ((channelMeans == null) != (channelStds == null)) {
      throw new IllegalArgumentException(
          "input contract: per-channel mean and std must be given together");
    }
    if (channelMeans == null) {
      checkValues(mean, std);
    } else {
      if (!Float.isNaN(mean) || !Float.isNaN(std)) {
        throw new IllegalArgumentException(
            "input contract: give either one mean and std or per-channel lists, not both");
      }
      if (channelMeans.size() != channels || channelStds.size() != channels) {
        throw new IllegalArgumentException(
            "input contract: "
                + channels
                + " channels need as many means and stds, got "
                + channelMeans.size()
                + " and "
                + channelStds.size());
      }
      for (int c = 0; c < channels; c++) {
        checkValues(channelMeans.get(c), channelStds.get(c));
      }
      if (allEqual(channelMeans) && allEqual(channelStds)) {
        mean = channelMeans.get(0);
        std = channelStds.get(0);
        channelMeans = null;
        channelStds = null;
      } else {
        channelMeans = Collections.unmodifiableList(new ArrayList<>(channelMeans));
        channelStds = Collections.unmodifiableList(new ArrayList<>(channelStds));
      }
    }
  }

  /** A uniform contract: the same {@code mean} and {@code std} for every channel. */
  public InputContract(int channels, int height, int width, float mean, float std) {
    this(channels, height, width, mean, std, null, null);
  }

  /**
   * A contract normalising channel {@code c} as {@code (p − mean[c]) / std[c]}. Each array holds
   * {@code channels} values, or one value meaning the same for every channel. The result is uniform
   * when every channel has the same mean and std.
   *
   * @throws IllegalArgumentException if an array has another length, a mean is not finite or a std
   *     not positive
   */
  public static InputContract perChannel(
      int channels, int height, int width, float[] mean, float[] std) {
    if (mean == null || std == null) {
      throw new IllegalArgumentException("input contract: mean and std must be given");
    }
    checkShape(channels, height, width);
    return new InputContract(
        channels,
        height,
        width,
        Float.NaN,
        Float.NaN,
        spread(mean, channels, "mean"),
        spread(std, channels, "std"));
  }

  /** Whether every channel has the same mean and std. */
  public boolean uniform() {
    return channelMeans == null;
  }

  /**
   * The mean of every channel of a uniform contract.
   *
   * @throws IllegalStateException for a per-channel contract: use {@link #mean(int)}
   */
  @Override
  public float mean() {
    if (!uniform()) {
      throw new IllegalStateException(
          "input contract has a mean per channel " + channelMeans + "; use mean(channel)");
    }
    return mean;
  }

  /**
   * The std of every channel of a uniform contract.
   *
   * @throws IllegalStateException for a per-channel contract: use {@link #std(int)}
   */
  @Override
  public float std() {
    if (!uniform()) {
      throw new IllegalStateException(
          "input contract has a std per channel " + channelStds + "; use std(channel)");
    }
    return std;
  }

  /** The mean of channel {@code channel} (0-based, R, G, B for three channels). */
  public float mean(int channel) {
    checkChannel(channel);
    return uniform() ? mean : channelMeans.get(channel);
  }

  /** The std of channel {@code channel} (0-based, R, G, B for three channels). */
  public float std(int channel) {
    checkChannel(channel);
    return uniform() ? std : channelStds.get(channel);
  }

  /** The means of all channels, one per channel. */
  public float[] means() {
    float[] out = new float[channels];
    for (int c = 0; c < channels; c++) {
      out[c] = mean(c);
    }
    return out;
  }

  /** The stds of all channels, one per channel. */
  public float[] stds() {
    float[] out = new float[channels];
    for (int c = 0; c < channels; c++) {
      out[c] = std(c);
    }
    return out;
  }

  /** This contract's normalisation for images of {@code height × width}. */
  public InputContract withSize(int height, int width) {
    return new InputContract(channels, height, width, mean, std, channelMeans, channelStds);
  }

  /** Number of floats in one input image: {@code channels × height × width}. */
  public int size() {
    return channels * height * width;
  }

  /**
   * Normalises one pixel value already scaled to [0, 1], for a uniform contract.
   *
   * @throws IllegalStateException for a per-channel contract: use {@link #normalise(int, float)}
   */
  public float normalise(float unitPixel) {
    return (unitPixel - mean()) / std();
  }

  /** Normalises one pixel value of channel {@code channel}, already scaled to [0, 1]. */
  public float normalise(int channel, float unitPixel) {
    return (unitPixel - mean(channel)) / std(channel);
  }

  /**
   * Undoes the normalisation of one CHW image: {@code round((v·std[c] + mean[c])·255)}, clipped to
   * 0..255.
   *
   * @param input {@code size()} floats from {@code from}
   * @param dst receives {@code size()} bytes from {@code offset}
   */
  public void toBytes(float[] input, int from, byte[] dst, int offset) {
    int plane = height * width;
    for (int c = 0; c < channels; c++) {
      float s = std(c);
      float m = mean(c);
      int base = c * plane;
      for (int i = 0; i < plane; i++) {
        int p = Math.round((input[from + base + i] * s + m) * 255f);
        dst[offset + base + i] = (byte) Math.max(0, Math.min(255, p));
      }
    }
  }

  @Override
  public String toString() {
    String norm =
        uniform()
            ? "mean=" + mean + ", std=" + std
            : "mean=" + channelMeans + ", std=" + channelStds;
    return "InputContract[channels="
        + channels
        + ", height="
        + height
        + ", width="
        + width
        + ", "
        + norm
        + "]";
  }

  private void checkChannel(int channel) {
    if (channel < 0 || channel >= channels) {
      throw new IndexOutOfBoundsException(
          "channel " + channel + " outside [0, " + channels + ") of the input contract");
    }
  }

  private static void checkShape(int channels, int height, int width) {
    if (channels != 1 && channels != 3) {
      throw new IllegalArgumentException(
          "input contract: channels must be 1 (gray) or 3 (RGB), got " + channels);
    }
    if (height < 1 || width < 1) {
      throw new IllegalArgumentException(
          "input contract: height and width must be positive, got " + height + "×" + width);
    }
  }

  private static void checkValues(float mean, float std) {
    if (!(std > 0) || !Float.isFinite(std) || !Float.isFinite(mean)) {
      throw new IllegalArgumentException(
          "input contract: std must be positive and mean finite, got mean=" + mean + " std=" + std);
    }
  }

  private static boolean allEqual(List<Float> values) {
    for (Float v : values) {
      if (Float.compare(v, values.get(0)) != 0) {
        return false;
      }
    }
    return true;
  }

  private static List<Float> spread(float[] values, int channels, String what) {
    if (values.length != 1 && values.length != channels) {
      throw new IllegalArgumentException(
          "input contract: "
              + channels
              + " channels need "
              + channels
              + " or 1 "
              + what
              + " values, got "
              + values.length);
    }
    List<Float> out = new ArrayList<>(channels);
    for (int c = 0; c < channels; c++) {
      out.add(values[values.length == 1 ? 0 : c]);
    }
    return out;
  }
}
