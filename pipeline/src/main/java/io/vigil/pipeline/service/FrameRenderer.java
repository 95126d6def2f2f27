package io.vigil.pipeline.service;

import io.vigil.engine.model.InputContract;
import io.vigil.pipeline.control.LabeledStreamRecorder;
import io.vigil.pipeline.result.FrameResult;
import io.vigil.pipeline.result.LabelScore;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * Draws a frame as the model saw it, with what the model said, as a JPEG: the model input ({@code
 * channels × height × width} normalised floats, CHW) turned back into 0..255 by the contract
 * ({@code p = (x · std[c] + mean[c]) · 255} for channel {@code c}), enlarged by a whole factor with
 * nearest-neighbour sampling so that its longer side is at least {@link #MIN_SIDE} pixels (a 28 ×
 * 28 input becomes 280 × 280, its pixels kept square and sharp), above a caption band: the top
 * label and its score, the latency on the right; below them the model version, the frame's index on
 * the right (a label or version too long for the band is cut short with an ellipsis). Runs headless
 * (java.awt needs no display to draw into an image).
 */
final class FrameRenderer {

  /** The shortest the longer side of the enlarged frame may be, in pixels. */
  static final int MIN_SIDE = 256;

  private static final int BAND = 52;
  private static final int PAD = 10;
  private static final Color BACKGROUND = new Color(0x16, 0x19, 0x1d);
  private static final Color TEXT = new Color(0xe8, 0xea, 0xed);
  private static final Color MUTED = new Color(0x9a, 0xa0, 0xa6);
  private static final Font LABEL = new Font(Font.SANS_SERIF, Font.BOLD, 17);
  private static final Font DETAIL = new Font(Font.SANS_SERIF, Font.PLAIN, 12);

  private static final org.slf4j.Logger log =
      org.slf4j.LoggerFactory.getLogger(FrameRenderer.class);

  private final InputContract contract;
  private volatile boolean fontsWork = true;

  FrameRenderer(InputContract contract) {
    this.contract = contract;
  }

  /**
   * The annotated JPEG of one frame.
   *
   * @throws IllegalArgumentException when {@code pixels} does not hold {@code contract.size()}
   *     values
   */
  byte[] render(float[] pixels, FrameResult result) {
    if (pixels.length != contract.size()) {
      throw new IllegalArgumentException(
          "frame "
              + result.frame()
              + " of "
              + result.stream()
              + ": "
              + pixels.length
              + " pixels, the input contract says "
              + contract.size());
    }
    BufferedImage frame = frameImage(LabeledStreamRecorder.bytesOf(pixels, contract));
    int scale = Math.max(1, ceilDiv(MIN_SIDE, Math.max(contract.width(), contract.height())));
    int w = contract.width() * scale;
    int h = contract.height() * scale;
    int width = Math.max(w, MIN_SIDE);
    BufferedImage out = new BufferedImage(width, h + BAND, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    try {
      g.setColor(BACKGROUND);
      g.fillRect(0, 0, width, h + BAND);
      g.setRenderingHint(
          RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
      g.drawImage(frame, (width - w) / 2, 0, w, h, null);
      caption(g, result, width, h);
    } finally {
      g.dispose();
    }
    return jpeg(out);
  }

  /**
   * Writes the caption into the band below the frame. Text needs fonts: where the JVM finds none (a
   * bare container without fontconfig), the frame goes out without its caption, said once in the
   * log with the fix, rather than not at all.
   */
  private void caption(Graphics2D g, FrameResult result, int width, int h) {
    if (!fontsWork) {
      return;
    }
    try {
      g.setRenderingHint(
          RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      LabelScore top = result.top().isEmpty() ? null : result.top().get(0);
      g.setFont(DETAIL);
      String latency = String.format(Locale.ROOT, "%.0f ms", result.latencyMillis());
      int latencyWidth = g.getFontMetrics().stringWidth(latency);
      g.setColor(MUTED);
      g.drawString(latency, width - PAD - latencyWidth, h + 22);
      String frameNumber = "frame " + result.frame();
      int frameWidth = g.getFontMetrics().stringWidth(frameNumber);
      g.drawString(frameNumber, width - PAD - frameWidth, h + 42);
      g.drawString(
          fit(result.model(), g.getFontMetrics(), width - 3 * PAD - frameWidth), PAD, h + 42);
      g.setFont(LABEL);
      g.setColor(TEXT);
      String label =
          top == null
              ? "no label"
              : String.format(Locale.ROOT, "%s  %.0f%%", top.label(), top.score() * 100);
      g.drawString(fit(label, g.getFontMetrics(), width - 3 * PAD - latencyWidth), PAD, h + 22);
    } catch (RuntimeException | LinkageError | InternalError e) {
      fontsWork = false;
      log.warn(
          "dashboard frames go without captions: this JVM cannot draw text ({}); install"
              + " fontconfig and a font (Debian: fontconfig fonts-dejavu-core)",
          e.toString());
    }
  }

  /** {@code text}, cut short with an ellipsis where it is wider than {@code room} pixels. */
  private static String fit(String text, java.awt.FontMetrics metrics, int room) {
    if (metrics.stringWidth(text) <= room) {
      return text;
    }
    String cut = text;
    while (!cut.isEmpty() && metrics.stringWidth(cut + "…") > room) {
      cut = cut.substring(0, cut.length() - 1);
    }
    return cut + "…";
  }

  private BufferedImage frameImage(byte[] chw) {
    int w = contract.width();
    int h = contract.height();
    int plane = w * h;
    if (contract.channels() == 1) {
      BufferedImage gray = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
      gray.getRaster().setDataElements(0, 0, w, h, chw);
      return gray;
    }
    BufferedImage rgb = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    int[] packed = new int[plane];
    for (int i = 0; i < plane; i++) {
      packed[i] =
          (chw[i] & 0xff) << 16 | (chw[plane + i] & 0xff) << 8 | (chw[2 * plane + i] & 0xff);
    }
    rgb.setRGB(0, 0, w, h, packed, 0, w);
    return rgb;
  }

  private static byte[] jpeg(BufferedImage image) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(16 * 1024);
    try {
      if (!ImageIO.write(image, "jpg", bytes)) {
        throw new IllegalStateException("this JVM has no JPEG writer");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("writing a dashboard frame as JPEG", e);
    }
    return bytes.toByteArray();
  }

  private static int ceilDiv(int a, int b) {
    return (a + b - 1) / b;
  }
}
