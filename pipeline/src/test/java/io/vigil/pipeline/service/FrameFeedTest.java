package io.vigil.pipeline.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.pipeline.frame.StreamItem;
import io.vigil.pipeline.result.FrameResult;
import io.vigil.pipeline.result.LabelScore;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class FrameFeedTest {

  private final AtomicLong now = new AtomicLong(1_000_000_000L);

  private FrameFeed feed(Duration acceptEvery, Duration window, int maxPending) {
    return new FrameFeed(
        new FrameRenderer(SyntheticStreams.CONTRACT), now::get, acceptEvery, window, maxPending);
  }

  private static StreamItem.Frame frame(String stream, long i) {
    return new StreamItem.Frame(stream, i, i * 40_000, 0, 0, SyntheticStreams.pixels(i));
  }

  private static FrameResult result(String stream, long i, String label) {
    return new FrameResult(
        stream, i, i * 40_000, "v7", List.of(new LabelScore(0, label, 0.93f)), 12);
  }

  @Test
  void joinsAFrameWithItsResultAndRendersItEnlargedWithACaption() throws Exception {
    FrameFeed feed = feed(Duration.ZERO, Duration.ofSeconds(2), 8);
    assertTrue(feed.jpeg("cam").isEmpty(), "no frame before any arrived");
    feed.onFrame(frame("cam", 0));
    assertTrue(feed.jpeg("cam").isEmpty(), "a frame without its result is not shown");
    feed.onResult(result("cam", 0, "Sneaker"));

    FrameFeed.Jpeg jpeg = feed.jpeg("cam").orElseThrow();
    assertEquals(0, jpeg.frame());
    BufferedImage image = ImageIO.read(new ByteArrayInputStream(jpeg.bytes()));
    assertNotNull(image, "the bytes are a JPEG");
    // 28 px enlarged ×10 to 280 px, above a 52 px caption band.
    assertEquals(280, image.getWidth());
    assertEquals(280 + 52, image.getHeight());
    // Frame 0's bright bar is at column 0 (enlarged: x < 30); column 14 is dark (0.1-0.4).
    assertTrue(gray(image, 5, 140) > 220, "the bar is white: " + gray(image, 5, 140));
    assertTrue(gray(image, 140, 20) < 80, "the background is dark: " + gray(image, 140, 20));
    // The caption band has text: some of its pixels are bright.
    int bright = 0;
    for (int x = 0; x < 280; x++) {
      for (int y = 285; y < 330; y++) {
        bright += gray(image, x, y) > 150 ? 1 : 0;
      }
    }
    assertTrue(bright > 100, "the caption is drawn, bright pixels: " + bright);
  }

  @Test
  void rendersOncePerNewFrameAndNumbersFramesInOrder() {
    FrameFeed feed = feed(Duration.ZERO, Duration.ofSeconds(2), 8);
    feed.onFrame(frame("cam", 0));
    feed.onResult(result("cam", 0, "Bag"));
    FrameFeed.Jpeg first = feed.jpeg("cam").orElseThrow();
    assertEquals(first, feed.jpeg("cam").orElseThrow(), "the same frame is not rendered again");
    feed.onFrame(frame("cam", 1));
    feed.onResult(result("cam", 1, "Bag"));
    FrameFeed.Jpeg second = feed.jpeg("cam").orElseThrow();
    assertEquals(first.sequence() + 1, second.sequence());
    assertEquals(1, second.frame());
  }

  @Test
  void takesAtMostOneFramePerIntervalPerStream() {
    FrameFeed feed = feed(Duration.ofMillis(200), Duration.ofSeconds(2), 8);
    feed.onFrame(frame("a", 0));
    now.addAndGet(Duration.ofMillis(100).toNanos());
    feed.onFrame(frame("a", 1));
    feed.onFrame(frame("b", 0));
    assertEquals(1, feed.pending("a"), "frame 1 came too soon after frame 0");
    assertEquals(1, feed.pending("b"), "streams are rated apart");
    now.addAndGet(Duration.ofMillis(100).toNanos());
    feed.onFrame(frame("a", 2));
    assertEquals(2, feed.pending("a"));
  }

  @Test
  void aResultRetiresTheOlderFramesThatWillNeverGetOne() {
    FrameFeed feed = feed(Duration.ZERO, Duration.ofSeconds(2), 8);
    for (int i = 0; i < 5; i++) {
      feed.onFrame(frame("cam", i));
    }
    // Frames 0..2 were dropped in the buffer; frame 3's result arrives.
    feed.onResult(result("cam", 3, "Bag"));
    assertEquals(1, feed.pending("cam"), "only frame 4 still waits");
    assertEquals(3, feed.jpeg("cam").orElseThrow().frame());
  }

  @Test
  void waitingFramesAreBoundedInNumberAndAge() {
    FrameFeed feed = feed(Duration.ZERO, Duration.ofSeconds(2), 4);
    for (int i = 0; i < 10; i++) {
      feed.onFrame(frame("cam", i));
    }
    assertEquals(4, feed.pending("cam"), "at most maxPending wait");
    now.addAndGet(Duration.ofSeconds(3).toNanos());
    feed.onFrame(frame("cam", 10));
    assertEquals(1, feed.pending("cam"), "frames older than the window went");
  }

  @Test
  void shedFramesAreIgnoredAndRemovedStreamsForgotten() {
    FrameFeed feed = feed(Duration.ZERO, Duration.ofSeconds(2), 4);
    feed.onFrame(new StreamItem.Frame("cam", 0, 0, 0, 0, null));
    assertEquals(0, feed.pending("cam"));
    feed.onFrame(frame("cam", 1));
    feed.onResult(result("cam", 1, "Bag"));
    feed.retain(java.util.Set.of("other"));
    assertTrue(feed.jpeg("cam").isEmpty());
  }

  @Test
  void aFrameOfTheWrongSizeIsRefusedNamingTheSizes() {
    FrameRenderer r = new FrameRenderer(SyntheticStreams.CONTRACT);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> r.render(new float[10], result("cam", 3, "Bag")));
    assertTrue(
        e.getMessage().contains("10 pixels") && e.getMessage().contains("784"), e.getMessage());
  }

  @Test
  void rendersRgbFramesInTheirColours() throws Exception {
    io.vigil.engine.model.InputContract rgb =
        new io.vigil.engine.model.InputContract(3, 32, 32, 0f, 1f);
    float[] red = new float[rgb.size()];
    java.util.Arrays.fill(red, 0, 32 * 32, 1f);
    BufferedImage image =
        ImageIO.read(
            new ByteArrayInputStream(new FrameRenderer(rgb).render(red, result("c", 0, "x"))));
    int p = image.getRGB(128, 128);
    assertTrue(
        (p >> 16 & 0xff) > 200 && (p >> 8 & 0xff) < 60 && (p & 0xff) < 60, Integer.toHexString(p));
  }

  private static int gray(BufferedImage image, int x, int y) {
    int p = image.getRGB(x, y);
    return ((p >> 16 & 0xff) + (p >> 8 & 0xff) + (p & 0xff)) / 3;
  }
}
