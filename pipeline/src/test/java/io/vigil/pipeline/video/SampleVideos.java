package io.vigil.pipeline.video;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Random;

/** The sample videos of Debian's opencv-doc package, and damaged copies of them. */
public final class SampleVideos {

  public static final Path DIR = Path.of("/usr/share/doc/opencv-doc/examples/data");

  private SampleVideos() {}

  public static Path file(String name) {
    return DIR.resolve(name);
  }

  /** A copy of the first {@code bytes} bytes of {@code source}. */
  public static Path truncatedCopy(Path source, Path target, long bytes) throws IOException {
    try (FileChannel in = FileChannel.open(source);
        FileChannel out =
            FileChannel.open(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      in.transferTo(0, bytes, out);
    }
    return target;
  }

  /** A copy of {@code source} with {@code length} seeded random bytes written at {@code at}. */
  public static Path damagedCopy(Path source, Path target, long at, int length) throws IOException {
    Files.copy(source, target);
    byte[] junk = new byte[length];
    new Random(42).nextBytes(junk);
    try (FileChannel out = FileChannel.open(target, StandardOpenOption.WRITE)) {
      out.write(ByteBuffer.wrap(junk), at);
    }
    return target;
  }
}
