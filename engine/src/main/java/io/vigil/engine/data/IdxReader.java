package io.vigil.engine.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Reads the IDX format of MNIST and Fashion-MNIST: a big-endian magic number (0x0000, the element
 * type 0x08 = unsigned byte, the number of dimensions), one 32-bit size per dimension, then the
 * elements. Files may be gzip-compressed ({@code .gz}), as Debian ships them.
 */
public final class IdxReader {

  private static final int UNSIGNED_BYTE = 0x08;

  private IdxReader() {}

  /** Reads an image file ({@code [n, rows, cols]}) and its label file ({@code [n]}). */
  public static LabeledImages read(Path imagesFile, Path labelsFile) throws IOException {
    Idx images = readIdx(imagesFile, 3);
    Idx labels = readIdx(labelsFile, 1);
    if (images.dims[0] != labels.dims[0]) {
      throw new IOException(
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
    try (InputStream raw = Files.newInputStream(file);
        DataInputStream in = new DataInputStream(new BufferedInputStream(decompress(file, raw)))) {
      int magic = in.readInt();
      int type = (magic >>> 8) & 0xFF;
      int dimCount = magic & 0xFF;
      if ((magic >>> 16) != 0 || type != UNSIGNED_BYTE || dimCount != expectedDims) {
        throw new IOException(
            String.format(
                "%s is not an IDX file of unsigned bytes with %d dimension(s) (magic 0x%08x)",
                file, expectedDims, magic));
      }
      int[] dims = new int[dimCount];
      long total = 1;
      for (int d = 0; d < dimCount; d++) {
        dims[d] = in.readInt();
        if (dims[d] < 0) {
          throw new IOException(file + ": negative size " + dims[d] + " in dimension " + d);
        }
        total *= dims[d];
      }
      if (total > Integer.MAX_VALUE - 16) {
        throw new IOException(file + ": " + total + " elements is more than one array holds");
      }
      byte[] data = new byte[(int) total];
      try {
        in.readFully(data);
      } catch (EOFException e) {
        throw new IOException(file + " is truncated: expected " + total + " data bytes", e);
      }
      return new Idx(dims, data);
    }
  }

  private static InputStream decompress(Path file, InputStream raw) throws IOException {
    return file.getFileName().toString().endsWith(".gz") ? new GZIPInputStream(raw, 1 << 16) : raw;
  }
}
