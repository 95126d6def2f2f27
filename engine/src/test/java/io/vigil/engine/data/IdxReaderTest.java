package io.vigil.engine.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * IDX files as they come and as they should not: a header that claims more than the file holds
 * fails at once, naming the file and both sizes; truncated, damaged and lying files, plain and
 * gzip-compressed, all end in an {@link IdxFormatException} naming the file.
 */
class IdxReaderTest {

  private static final int[] HOSTILE_SIZES = {
    -1, 0, 1, 2_000_000, 1 << 30, Integer.MAX_VALUE, Integer.MIN_VALUE
  };

  @TempDir Path dir;

  private byte[] images;
  private byte[] labels;
  private Path labelFile;

  @BeforeEach
  void smallSet() throws IOException {
    Random random = new Random(5);
    byte[] pixels = new byte[6 * 4 * 3];
    random.nextBytes(pixels);
    byte[] classes = {0, 1, 2, 3, 4, 5};
    images = idx(3, new int[] {6, 4, 3}, pixels);
    labels = idx(1, new int[] {6}, classes);
    labelFile = dir.resolve("labels-idx1-ubyte");
    Files.write(labelFile, labels);
  }

  @Test
  void readsPlainAndCompressedFiles() throws IOException {
    for (boolean gz : new boolean[] {false, true}) {
      LabeledImages set = IdxReader.read(write("images", images, gz), write("labels", labels, gz));
      assertEquals(6, set.count());
      assertEquals(4, set.height());
      assertEquals(3, set.width());
      assertEquals(5, set.labels()[5]);
      assertEquals(images[16 + 13] & 0xFF, Math.round(set.pixel(1, 0, 1) * 255));
    }
  }

  @Test
  void aSmallFileClaimingTwoMillionImagesFailsAtOnceNamingBothSizes() throws IOException {
    byte[] pixels = new byte[1024 - 16];
    byte[] lie = idx(3, new int[] {2_000_000, 28, 28}, pixels);
    for (boolean gz : new boolean[] {false, true}) {
      Path file = write("images", lie, gz);
      IdxFormatException e =
          assertThrows(IdxFormatException.class, () -> IdxReader.read(file, labelFile));
      assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
      assertTrue(e.getMessage().contains("2,000,000 images of 28×28"), e.getMessage());
      assertTrue(e.getMessage().contains("1,568,000,000 bytes"), e.getMessage());
      assertTrue(e.getMessage().contains("1,008 bytes"), e.getMessage());
    }
  }

  @Test
  void aMissingFileIsNamed() {
    Path absent = dir.resolve("absent-idx3-ubyte");
    NoSuchFileException e =
        assertThrows(NoSuchFileException.class, () -> IdxReader.read(absent, absent));
    assertTrue(e.getMessage().contains(absent.toString()), e.getMessage());
  }

  @Test
  void countsThatDisagreeNameBothFiles() throws IOException {
    Path imageFile = write("images", images, false);
    Path fewer = write("labels", idx(1, new int[] {5}, new byte[5]), false);
    IdxFormatException e =
        assertThrows(IdxFormatException.class, () -> IdxReader.read(imageFile, fewer));
    assertTrue(e.getMessage().contains(imageFile + " holds 6 images"), e.getMessage());
    assertTrue(e.getMessage().contains(fewer + " holds 5 labels"), e.getMessage());
  }

  @Test
  void truncationsAtEveryOffsetAreRefused() throws IOException {
    for (boolean gz : new boolean[] {false, true}) {
      byte[] whole = gz ? gzip(images) : images;
      for (int length = 0; length < whole.length; length++) {
        expectRefused(Arrays.copyOf(whole, length), gz, "truncated to " + length + " bytes");
      }
    }
  }

  @Test
  void flippedBytesAreRefusedOrHarmless() throws IOException {
    Random random = new Random(20261207);
    for (boolean gz : new boolean[] {false, true}) {
      byte[] whole = gz ? gzip(images) : images;
      for (int i = 0; i < 200; i++) {
        byte[] damaged = whole.clone();
        int at = random.nextInt(damaged.length);
        damaged[at] ^= (byte) (1 + random.nextInt(255));
        expectRefusedOrRead(damaged, gz, "byte " + at + " flipped");
      }
    }
  }

  @Test
  void hostileSizesInTheHeaderAreRefusedOrHarmless() throws IOException {
    for (boolean gz : new boolean[] {false, true}) {
      for (int d = 0; d < 3; d++) {
        for (int size : HOSTILE_SIZES) {
          byte[] lie = images.clone();
          ByteBuffer.wrap(lie).putInt(4 + 4 * d, size);
          expectRefusedOrRead(gz ? gzip(lie) : lie, gz, "dimension " + d + " = " + size);
        }
      }
    }
  }

  private void expectRefused(byte[] imageBytes, boolean gz, String what) throws IOException {
    Path file = writeRaw("images", imageBytes, gz);
    try {
      IdxReader.read(file, labelFile);
      fail(what + ": read");
    } catch (IdxFormatException e) {
      assertTrue(e.getMessage().contains(file.toString()), what + ": " + e.getMessage());
    } catch (Throwable e) {
      throw new AssertionError(what + ": " + e, e);
    }
  }

  private void expectRefusedOrRead(byte[] imageBytes, boolean gz, String what) throws IOException {
    Path file = writeRaw("images", imageBytes, gz);
    try {
      IdxReader.read(file, labelFile);
    } catch (IdxFormatException e) {
      assertTrue(e.getMessage().contains(file.toString()), what + ": " + e.getMessage());
    } catch (Throwable e) {
      throw new AssertionError(what + ": " + e, e);
    }
  }

  /** An IDX file of unsigned bytes. */
  private static byte[] idx(int dims, int[] sizes, byte[] data) {
    ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims + data.length);
    b.putInt(0x0800 | dims);
    for (int s : sizes) {
      b.putInt(s);
    }
    return b.put(data).array();
  }

  private Path write(String name, byte[] content, boolean gz) throws IOException {
    return writeRaw(name, gz ? gzip(content) : content, gz);
  }

  /** Writes bytes as they are, under a name that says whether they are meant as gzip. */
  private Path writeRaw(String name, byte[] bytes, boolean gz) throws IOException {
    Path file = dir.resolve(name + "-ubyte" + (gz ? ".gz" : ""));
    Files.write(file, bytes);
    return file;
  }

  private static byte[] gzip(byte[] content) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(content);
    }
    return out.toByteArray();
  }
}
