package io.vigil.engine.train;

/**
 * Random changes made to each training image as it is drawn, so the network sees a slightly
 * different image every epoch:
 *
 * <ul>
 *   <li>{@code shift}: a random crop of the image zero-padded by {@code shift} pixels on every
 *       side, i.e. a translation by up to ±{@code shift} pixels in x and y, the uncovered border
 *       black (the usual "pad and random crop").
 *   <li>{@code flip}: a horizontal mirror with probability ½.
 * </ul>
 *
 * Text form (for the command line): {@code none}, {@code shift:2}, {@code flip} or {@code
 * shift:2,flip}. Evaluation images are never augmented.
 */
public record Augmentation(int shift, boolean flip) {

  public static final Augmentation NONE = new Augmentation(0, false);

  public Augmentation {
    if (shift < 0) {
      throw new IllegalArgumentException("augmentation: shift must be ≥ 0, got " + shift);
    }
  }

  public boolean isNone() {
    return shift == 0 && !flip;
  }

  /** Reads the text form; see the class comment. */
  public static Augmentation parse(String text) {
    int shift = 0;
    boolean flip = false;
    for (String part : text.trim().split(",")) {
      String p = part.trim();
      if (p.equals("none")) {
        continue;
      } else if (p.equals("flip")) {
        flip = true;
      } else if (p.startsWith("shift:")) {
        try {
          shift = Integer.parseInt(p.substring("shift:".length()));
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("augmentation '" + text + "': bad shift " + p);
        }
      } else {
        throw new IllegalArgumentException(
            "unknown augmentation '" + p + "' in '" + text + "' (known: none, shift:N, flip)");
      }
    }
    return new Augmentation(shift, flip);
  }

  @Override
  public String toString() {
    if (isNone()) {
      return "none";
    }
    String s = shift > 0 ? "shift:" + shift : "";
    return flip ? (s.isEmpty() ? "flip" : s + ",flip") : s;
  }
}
