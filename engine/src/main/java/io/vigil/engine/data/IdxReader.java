package io.vigil.engine.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.zip.GZIPInputStream;

/**
 * Reads the IDX format of MNIST and Fashion-MNIST: a big-endian magic number (0x0000, the element
 * type 0x08 = unsigned byte, the number of dimensions), one 32-bit size per dimension, then the
 * elements. Files may be gzip-compressed ({@code .gz}), as Debian ships them.
 *
 * <p>The header is not trusted: the sizes it claims are checked against the file before the data is
 * read. A plain file too short for them fails before anything is allocated; a compressed one is
 * read in growing steps, so a header that lies costs no more memory than the data that is there.
 * Every failure is an {@link IdxFormatException} (a missing file a {@link NoSuchFileException})
 * naming the file.
 */
public final class IdxReader {

  private static final int UNSIGNED_BYTE = 0x08;

  /** The most data bytes one file may hold: what one Java array holds. */
  private static final long MAX_BYTES = Integer.MAX_VALUE - 16;

  /** The first buffer for compressed data; it doubles as data arrives, up to the claimed size. */
  private static final int FIRST_STEP = 1 << 20;

  private IdxReader() {}

  /** Reads an image file ({@code [n, rows, cols]}) and its label file ({@code [n]}). */
  public static LabeledImages read(Path imagesFile, Path labelsFile) throws IOException {
    Idx images = readIdx(imagesFile, 3);
    Idx labels = readIdx(labelsFile, 1);
    if (images.dims[0] != labels.dims[0]) {
      throw new IdxFormatException(
          imagesFile
              + " holds "
              + images.dims[0]
              + " images but "
              + labelsFile
              + " holds "
              + labels.dims[0]
              + " labels");
    }
    int[] classes = new int[labels.dims[0]];
    for (int i = 0; i < classes.length; i++) {
      classes[i] = labels.data[i] & 0xFF;
    }
    return new LabeledImages(images.dims[0], images.dims[1], images.dims[2], images.data, classes);
  }

  private record Idx(int[] dims, byte[] data) {}

  private static Idx readIdx(Path file, int expectedDims) throws IOException {
    if (!Files.exists(file)) {
      throw new NoSuchFileException(file.toString(), null, "IDX file not found");
    }
    boolean compressed = file.getFileName().toString().endsWith(".gz");
    long fileSize = Files.size(file);
    try (InputStream raw = Files.newInputStream(file);
        DataInputStream in =
            new DataInputStream(
                new BufferedInputStream(
                    compressed ? new GZIPInputStream(raw, 1 << 16) : raw, 1 << 16))) {
      int magic = headerInt(file, in);
      int type = (magic >>> 8) & 0xFF;
      int dimCount = magic & 0xFF;
      if ((magic >>> 16) != 0 || type != UNSIGNED_BYTE || dimCount != expectedDims) {
        throw new IdxFormatException(
            String.format(
                "%s is not an IDX file of unsigned bytes with %d dimension(s) (magic 0x%08x)",
                file, expectedDims, magic));
      }
      int[] dims = new int[dimCount];
      long total = 1;
      for (int d = 0; d < dimCount; d++) {
        dims[d] = headerInt(file, in);
        if (dims[d] < 0 || (dims[d] == 0 && d > 0)) {
          throw new IdxFormatException(
              file + ": size " + dims[d] + " in dimension " + d + " of its header");
        }
        // Sizes are below 2^31 each, so the product stays exact until it passes the limit.
        total = Math.min(total * dims[d], MAX_BYTES + 1);
      }
      if (total > MAX_BYTES) {
        throw new IdxFormatException(
            file + ": its header claims " + describe(dims) + ", more than one array holds");
      }
      long headerBytes = 4 + 4L * dimCount;
      if (!compressed && fileSize - headerBytes < total) {
        throw truncated(file, dims, total, fileSize - headerBytes);
      }
      byte[] data = data(file, in, dims, total);
      // Reading on to the end also checks a compressed file's trailer (its CRC and length).
      if (in.read() >= 0) {
        throw new IdxFormatException(
            String.format(
                Locale.ROOT,
                "%s holds more data than its header claims (%s, %,d bytes)",
                file,
                describe(dims),
                total));
      }
      return new Idx(dims, data);
    } catch (IdxFormatException e) {
      throw e;
    } catch (IOException e) {
      // A damaged or truncated gzip stream, or a read that failed: name the file.
      throw new IdxFormatException(file + ": cannot be read: " + e, e);
    }
  }

  private static int headerInt(Path file, DataInputStream in) throws IOException {
    try {
      return in.readInt();
    } catch (EOFException e) {
      throw new IdxFormatException(file + " is truncated: it ends inside its header", e);
    }
  }

  /** Reads the {@code total} data bytes, in growing steps so a lying header allocates little. */
  private static byte[] data(Path file, InputStream in, int[] dims, long total) throws IOException {
    byte[] data = new byte[(int) Math.min(total, FIRST_STEP)];
    int filled = 0;
    while (filled < total) {
      if (filled == data.length) {
        data = Arrays.copyOf(data, (int) Math.min(total, 2L * data.length));
      }
      int n = in.read(data, filled, data.length - filled);
      if (n < 0) {
        throw truncated(file, dims, total, filled);
      }
      filled += n;
    }
    return data;
  }

  private static IdxFormatException truncated(Path file, int[] dims, long claimed, long held) {
    return new IdxFormatException(
        String.format(
            Locale.ROOT,
            "%s is truncated: its header claims %s (%,d bytes of data) but it holds %,d bytes after"
                + " the header",
            file,
            describe(dims),
            claimed,
            held));
  }

  /** {@code 2,000,000 images of 28×28}, {@code 10,000 labels}, or the sizes as a list. */
  private static String describe(int[] dims) {
    return switch (dims.length) {
      case 1 -> String.format(Locale.ROOT, "%,d labels", dims[0]);
      case 3 -> String.format(Locale.ROOT, "%,d images of %d×%d", dims[0], dims[1], dims[2]);
      default -> "sizes " + Arrays.toString(dims);
    };
  }
}
