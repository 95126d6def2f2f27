package io.vigil.pipeline.video;

import io.vigil.engine.data.Appearance;
import java.util.Objects;

/**
 * What {@link ClipMaker} renders: {@code items} consecutive images from {@code firstIndex}, each
 * shown for {@code framesPerItem} frames of {@code scale × scale} gray pixels at {@code fps}.
 *
 * <ul>
 *   <li>{@code scale}: frame width and height in pixels; even, because the encoder stores colour at
 *       half resolution. With {@code motion = 0} the 28×28 image fills the frame.
 *   <li>{@code motion}: the item is drawn at {@code scale − 2·motion} pixels on a black canvas and
 *       drifts in a straight line, over its frames, between two offsets of up to {@code motion}
 *       pixels in x and y from the centre, drawn at random per item.
 *   <li>{@code brightness}: multiplier of every pixel (1 = unchanged), clipped at white; a gain,
 *       not an offset, so the black canvas stays black.
 *   <li>{@code noise}: standard deviation of Gaussian noise added to every pixel of every frame, as
 *       a fraction of full scale (0.05 ≈ 13 grey levels), clipped to [0, 255].
 *   <li>{@code seed}: the same spec and seed give the same pixels.
 *   <li>{@code appearance}: the scene change ({@link Appearance}) applied to each source image
 *       before it is scaled, so that a frame brought back to the source size shows what {@link
 *       Appearance#apply} makes of the image; {@link Appearance#DARK_NOISE}'s noise is drawn from
 *       the clip's seeded generator, once per item (it is part of the item, not of the frame).
 *   <li>{@code changeAtFrame}, {@code changedAppearance}: from frame {@code changeAtFrame} on
 *       (counted from 0, and possibly in the middle of an item) the scene shows {@code
 *       changedAppearance} instead: a stream whose scene changes mid-way. {@code changeAtFrame =
 *       -1} means never; then {@code changedAppearance} must equal {@code appearance}.
 * </ul>
 *
 * <p>Per item, in this order: the source image is changed by the frame's appearance, scaled by
 * nearest-neighbour sampling with the brightness gain, drawn at its offset on the black canvas, and
 * the frame's noise is added over the whole canvas.
 *
 * <p>Build one with {@link #builder()}: {@code setItems} is required, the rest have defaults.
 */
public record ClipSpec(
    int items,
    int firstIndex,
    int framesPerItem,
    int scale,
    double fps,
    double noise,
    double brightness,
    int motion,
    long seed,
    Appearance appearance,
    int changeAtFrame,
    Appearance changedAppearance) {

  /** The default scale of a clip's frames, in pixels. */
  public static final int DEFAULT_SCALE = 112;

  /** The default frames each item is shown. */
  public static final int DEFAULT_FRAMES_PER_ITEM = 5;

  /** The default frame rate. */
  public static final double DEFAULT_FPS = 10;

  /** {@link #changeAtFrame()} of a clip whose scene never changes. */
  public static final int NO_CHANGE = -1;

  /** The item is never drawn smaller than this, however large {@code motion} is. */
  static final int MIN_ITEM_SIZE = 8;

  public ClipSpec {
    require(items >= 1, "items must be at least 1, got " + items);
    require(firstIndex >= 0, "firstIndex must not be negative, got " + firstIndex);
    require(framesPerItem >= 1, "framesPerItem must be at least 1, got " + framesPerItem);
    require(
        (long) items * framesPerItem <= Integer.MAX_VALUE,
        "items × framesPerItem = " + (long) items * framesPerItem + " frames is too many");
    require(
        scale >= 16 && scale <= 4096 && scale % 2 == 0,
        "scale must be an even number of pixels from 16 to 4096, got " + scale);
    require(fps > 0 && fps <= 1000, "fps must be in (0, 1000], got " + fps);
    require(
        noise >= 0 && noise <= 1,
        "noise (a std as a fraction of full scale) must be in [0, 1], got " + noise);
    require(
        brightness >= 0 && brightness <= 100,
        "brightness (a multiplier) must be in [0, 100], got " + brightness);
    require(
        motion >= 0 && scale - 2L * motion >= MIN_ITEM_SIZE,
        "motion must be from 0 to "
            + (scale - MIN_ITEM_SIZE) / 2
            + " pixels at scale "
            + scale
            + " (the item is drawn at scale − 2·motion), got "
            + motion);
    Objects.requireNonNull(appearance, "appearance");
    Objects.requireNonNull(changedAppearance, "changedAppearance");
    require(
        changeAtFrame >= NO_CHANGE,
        "changeAtFrame must be a frame (from 0) or -1 for no change, got " + changeAtFrame);
    require(
        changeAtFrame < (long) items * framesPerItem,
        "changeAtFrame "
            + changeAtFrame
            + " is past the last frame: the clip has "
            + (long) items * framesPerItem
            + " frames (0 to "
            + ((long) items * framesPerItem - 1)
            + ")");
    require(
        changeAtFrame != NO_CHANGE || changedAppearance == appearance,
        "changedAppearance "
            + changedAppearance.cliName()
            + " is given without a change (changeAtFrame = -1); it must then equal appearance "
            + appearance.cliName());
  }

  /** The appearance of frame {@code frame}: {@code changedAppearance} from the change on. */
  public Appearance appearanceAt(int frame) {
    return changeAtFrame != NO_CHANGE && frame >= changeAtFrame ? changedAppearance : appearance;
  }

  /** Frames in the clip: {@code items × framesPerItem}. */
  public int totalFrames() {
    return items * framesPerItem;
  }

  /** Side of the drawn item in pixels: {@code scale − 2·motion}. */
  public int itemSize() {
    return scale - 2 * motion;
  }

  /**
   * A builder with defaults: first index 0, {@value #DEFAULT_FRAMES_PER_ITEM} frames per item,
   * scale {@value #DEFAULT_SCALE}, {@value #DEFAULT_FPS} fps, clean, unchanged appearance.
   */
  public static Builder builder() {
    return new Builder();
  }

  private static void require(boolean condition, String message) {
    if (!condition) {
      throw new IllegalArgumentException("clip spec: " + message);
    }
  }

  /** Builds a {@link ClipSpec}; {@code setItems} is required. */
  public static final class Builder {
    private Integer items;
    private int firstIndex;
    private int framesPerItem = DEFAULT_FRAMES_PER_ITEM;
    private int scale = DEFAULT_SCALE;
    private double fps = DEFAULT_FPS;
    private double noise;
    private double brightness = 1;
    private int motion;
    private long seed;
    private Appearance appearance = Appearance.NONE;
    private int changeAtFrame = NO_CHANGE;
    private Appearance changedAppearance;

    private Builder() {}

    public Builder setItems(int items) {
      this.items = items;
      return this;
    }

    public Builder optFirstIndex(int firstIndex) {
      this.firstIndex = firstIndex;
      return this;
    }

    public Builder optFramesPerItem(int framesPerItem) {
      this.framesPerItem = framesPerItem;
      return this;
    }

    public Builder optScale(int scale) {
      this.scale = scale;
      return this;
    }

    public Builder optFps(double fps) {
      this.fps = fps;
      return this;
    }

    public Builder optNoise(double noise) {
      this.noise = noise;
      return this;
    }

    public Builder optBrightness(double brightness) {
      this.brightness = brightness;
      return this;
    }

    public Builder optMotion(int motion) {
      this.motion = motion;
      return this;
    }

    public Builder optSeed(long seed) {
      this.seed = seed;
      return this;
    }

    /** The scene change of every frame (before {@link #optChange}'s frame, if there is one). */
    public Builder optAppearance(Appearance appearance) {
      this.appearance = Objects.requireNonNull(appearance, "appearance");
      return this;
    }

    /**
     * The scene changes to {@code changedAppearance} at frame {@code atFrame} (from 0) and stays so
     * to the end of the clip.
     */
    public Builder optChange(int atFrame, Appearance changedAppearance) {
      this.changeAtFrame = atFrame;
      this.changedAppearance = Objects.requireNonNull(changedAppearance, "changedAppearance");
      return this;
    }

    /**
     * @throws IllegalStateException if {@code setItems} was not called
     * @throws IllegalArgumentException if a value is out of range (the message names it)
     */
    public ClipSpec build() {
      if (items == null) {
        throw new IllegalStateException("clip spec: items is required (call setItems)");
      }
      return new ClipSpec(
          items,
          firstIndex,
          framesPerItem,
          scale,
          fps,
          noise,
          brightness,
          motion,
          seed,
          appearance,
          changeAtFrame,
          changedAppearance == null ? appearance : changedAppearance);
    }
  }
}
