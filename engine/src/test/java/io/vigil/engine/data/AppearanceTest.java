package io.vigil.engine.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The scene changes that clips and retraining checks are made with. */
class AppearanceTest {

  /** A 6 × 8 ramp: pixel (y, x) = 10·y + 5·x. */
  private static byte[] ramp() {
    byte[] p = new byte[6 * 8];
    for (int y = 0; y < 6; y++) {
      for (int x = 0; x < 8; x++) {
        p[y * 8 + x] = (byte) (10 * y + 5 * x);
      }
    }
    return p;
  }

  private static byte[] changed(Appearance a, byte[] pixels) {
    byte[] out = pixels.clone();
    a.apply(out, 0, 1, 6, 8, new Random(1));
    return out;
  }

  @Test
  void noneLeavesTheImageAndInvertedNegatesIt() {
    byte[] p = ramp();
    assertArrayEquals(p, changed(Appearance.NONE, p));
    byte[] inv = changed(Appearance.INVERTED, p);
    for (int i = 0; i < p.length; i++) {
      assertEquals(255 - (p[i] & 0xFF), inv[i] & 0xFF, "pixel " + i);
    }
    assertArrayEquals(p, changed(Appearance.INVERTED, inv), "inverting twice gives it back");
  }

  @Test
  void contrastMapsBlackAndWhiteOntoANarrowerRange() {
    byte[] p = {0, (byte) 255, 100};
    Appearance.CONTRAST.apply(p, 0, 1, 1, 3, new Random(0));
    assertEquals(70, p[0] & 0xFF);
    assertEquals(198, p[1] & 0xFF); // 70 + 127.5, rounded half up
    assertEquals(120, p[2] & 0xFF);
  }

  @Test
  void darkNoiseDarkensOnAverageAndDependsOnTheSeedOnly() {
    byte[] p = new byte[64 * 64];
    java.util.Arrays.fill(p, (byte) 200);
    byte[] a = p.clone();
    Appearance.DARK_NOISE.apply(a, 0, 1, 64, 64, new Random(7));
    byte[] b = p.clone();
    Appearance.DARK_NOISE.apply(b, 0, 1, 64, 64, new Random(7));
    assertArrayEquals(a, b, "same seed, same noise");
    double mean = 0;
    double sq = 0;
    for (byte v : a) {
      mean += v & 0xFF;
    }
    mean /= a.length;
    for (byte v : a) {
      sq += Math.pow((v & 0xFF) - mean, 2);
    }
    double sigma = Math.sqrt(sq / a.length);
    assertEquals(90, mean, 1.0, "0.45 × 200");
    assertEquals(12, sigma, 1.0, "the noise's standard deviation");
  }

  @Test
  void shiftMovesRightAndDownAndFillsWithBlack() {
    byte[] p = ramp();
    byte[] s = changed(Appearance.SHIFTED, p);
    assertEquals(p[0], s[3 * 8 + 4], "(0,0) lands at (3,4)");
    assertEquals(p[2 * 8 + 3], s[5 * 8 + 7]);
    assertEquals(0, s[2 * 8 + 7], "rows above the shift are black");
    assertEquals(0, s[5 * 8 + 3], "columns left of the shift are black");
  }

  @Test
  void blurKeepsAFlatImageAndSmoothsAnEdge() {
    byte[] flat = new byte[6 * 8];
    java.util.Arrays.fill(flat, (byte) 77);
    assertArrayEquals(flat, changed(Appearance.BLURRED, flat));
    byte[] edge = new byte[6 * 8];
    for (int y = 0; y < 6; y++) {
      for (int x = 4; x < 8; x++) {
        edge[y * 8 + x] = (byte) 240;
      }
    }
    byte[] b = changed(Appearance.BLURRED, edge);
    int left = b[2 * 8 + 3] & 0xFF;
    int right = b[2 * 8 + 4] & 0xFF;
    assertTrue(left > 0 && left < 120, "dark side of the edge brightens: " + left);
    assertTrue(right > 120 && right < 240, "bright side darkens: " + right);
  }

  @Test
  void rotationTurnsAboutTheCentre() {
    // A single bright pixel right of the centre of a 21 × 21 plane moves down (clockwise).
    byte[] p = new byte[21 * 21];
    p[10 * 21 + 18] = (byte) 255;
    Appearance.ROTATED.apply(p, 0, 1, 21, 21, new Random(0));
    int bestY = 0;
    int bestX = 0;
    for (int i = 0; i < p.length; i++) {
      if ((p[i] & 0xFF) > (p[bestY * 21 + bestX] & 0xFF)) {
        bestY = i / 21;
        bestX = i % 21;
      }
    }
    // 8 pixels from the centre at 25°: (10 + 8·sin 25°, 10 + 8·cos 25°) ≈ (13.4, 17.3).
    assertEquals(13, bestY, 1);
    assertEquals(17, bestX, 1);
    byte[] centre = new byte[21 * 21];
    centre[10 * 21 + 10] = (byte) 255;
    Appearance.ROTATED.apply(centre, 0, 1, 21, 21, new Random(0));
    assertEquals(255, centre[10 * 21 + 10] & 0xFF, "the centre stays");
  }

  @Test
  void applyToChangesEveryImageOfASetAndKeepsTheLabels() {
    byte[] pixels = new byte[2 * 6 * 8];
    System.arraycopy(ramp(), 0, pixels, 0, 48);
    System.arraycopy(ramp(), 0, pixels, 48, 48);
    LabeledImages set = new LabeledImages(2, 6, 8, pixels, new int[] {3, 4});
    LabeledImages inv = Appearance.INVERTED.applyTo(set, 0);
    assertArrayEquals(new int[] {3, 4}, inv.labels());
    assertEquals(255 - 5, inv.pixels()[48 + 1] & 0xFF);
    assertNotEquals(set.pixels()[1], inv.pixels()[1], "the original is not changed in place");
    assertEquals(5, set.pixels()[1]);
  }

  @Test
  void namesParseInCliFormAndUnknownNamesListTheKnownOnes() {
    assertEquals(Appearance.DARK_NOISE, Appearance.parse("dark-noise"));
    assertEquals(Appearance.INVERTED, Appearance.parse("INVERTED"));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Appearance.parse("upside-down"));
    assertTrue(e.getMessage().contains("upside-down") && e.getMessage().contains("dark-noise"));
  }
}
