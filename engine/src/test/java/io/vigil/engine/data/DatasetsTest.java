package io.vigil.engine.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The data layouts `vigil train --data` reads. */
class DatasetsTest {

  @TempDir Path tmp;

  private static void png(Path file, int width, int height, int rgb) throws IOException {
    Files.createDirectories(file.getParent());
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        image.setRGB(x, y, rgb);
      }
    }
    ImageIO.write(image, "png", file.toFile());
  }

  @Test
  void imageFoldersGiveSortedClassesAndResizedPixels() throws IOException {
    png(tmp.resolve("train/red/a.png"), 8, 8, 0xFF0000);
    png(tmp.resolve("train/red/b.png"), 16, 4, 0xFF0000);
    png(tmp.resolve("train/blue/a.png"), 8, 8, 0x0000FF);
    png(tmp.resolve("test/blue/c.png"), 8, 8, 0x0000FF);
    Files.writeString(tmp.resolve("train/red/notes.txt"), "not an image, skipped");

    Dataset rgb = Datasets.open(tmp, 3, 4, 4);
    assertEquals(List.of("blue", "red"), rgb.classNames());
    assertEquals(3, rgb.train().count());
    assertEquals(1, rgb.test().count());
    assertEquals(0, rgb.test().labels()[0]);
    // Image 0 is blue/a.png: R and G planes 0, B plane 1.
    assertEquals(0f, rgb.train().pixel(0, 0, 1, 1), 1e-6f);
    assertEquals(1f, rgb.train().pixel(0, 2, 3, 3), 1e-6f);
    // Image 2 is red/b.png, 16×4 squeezed to 4×4: still pure red.
    assertEquals(1, rgb.train().labels()[2]);
    assertEquals(1f, rgb.train().pixel(2, 0, 2, 2), 1e-6f);

    Dataset gray = Datasets.open(tmp, 1, 4, 4);
    // Pure red as BT.601 luma: 0.299 × 255 ≈ 76.
    assertEquals(76 / 255f, gray.train().pixel(1, 0, 0), 1 / 255f);
  }

  @Test
  void testClassUnknownToTrainingIsRefused() throws IOException {
    png(tmp.resolve("train/cat/a.png"), 4, 4, 0x808080);
    png(tmp.resolve("test/dog/a.png"), 4, 4, 0x808080);
    IOException e = assertThrows(IOException.class, () -> Datasets.open(tmp, 1, 4, 4));
    assertTrue(e.getMessage().contains("dog"), e.getMessage());
  }

  @Test
  void unreadableImageIsNamed() throws IOException {
    png(tmp.resolve("train/cat/a.png"), 4, 4, 0x808080);
    Files.writeString(tmp.resolve("train/cat/broken.png"), "not png bytes");
    png(tmp.resolve("test/cat/a.png"), 4, 4, 0x808080);
    IOException e = assertThrows(IOException.class, () -> Datasets.open(tmp, 1, 4, 4));
    assertTrue(e.getMessage().contains("broken.png"), e.getMessage());
  }

  @Test
  void idxFilesOfFashionMnistGetItsClassNames() throws IOException {
    Dataset fashion = Datasets.open(FashionMnist.DEFAULT_DIR, 1, 28, 28);
    assertEquals(FashionMnist.CLASS_NAMES, fashion.classNames());
    assertEquals(60_000, fashion.train().count());
    assertEquals(10_000, fashion.test().count());
    IOException e =
        assertThrows(IOException.class, () -> Datasets.open(FashionMnist.DEFAULT_DIR, 1, 20, 20));
    assertTrue(e.getMessage().contains("28×28"), e.getMessage());
  }

  @Test
  void missingDirectoryIsNamed() {
    IOException e =
        assertThrows(IOException.class, () -> Datasets.open(tmp.resolve("nowhere"), 1, 4, 4));
    assertTrue(e.getMessage().contains("nowhere"), e.getMessage());
  }
}
