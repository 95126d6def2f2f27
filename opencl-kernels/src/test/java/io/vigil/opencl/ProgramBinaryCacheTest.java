package io.vigil.opencl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.engine.tensor.Shape;
import io.vigil.engine.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Program binaries are written on the first build, loaded by the next backend instead of building
 * from source, keyed so that other options or sources get their own file, and a damaged binary is
 * replaced by a fresh build.
 */
class ProgramBinaryCacheTest {

  @TempDir Path dir;

  /** axpy on a fresh backend with the cache in {@code dir}; returns y after y += 2x. */
  private float[] axpyOnFreshBackend(ProgramBinaryCache cache) {
    try (OpenClBackend b = OpenClBackend.on(Twin.CL.device(), cache)) {
      Tensor x = b.allocate(new Shape(1, 3, 1, 1));
      Tensor y = b.allocate(new Shape(1, 3, 1, 1));
      b.upload(new float[] {1, 2, 3}, 0, x, 0, 3);
      b.fill(y, 1f);
      b.axpy(2f, x, y);
      float[] out = new float[3];
      b.download(y, 0, out, 0, 3);
      return out;
    }
  }

  private List<Path> binaries() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.toString().endsWith(".bin")).toList();
    }
  }

  @Test
  void theSecondBackendLoadsWhatTheFirstBuilt() throws IOException {
    ProgramBinaryCache first = new ProgramBinaryCache(dir);
    assertArrayEquals(new float[] {3, 5, 7}, axpyOnFreshBackend(first));
    assertEquals(0, first.loaded());
    List<Path> written = binaries();
    assertEquals(1, written.size(), "one program (elementwise.cl) was built: " + written);

    ProgramBinaryCache second = new ProgramBinaryCache(dir);
    assertArrayEquals(new float[] {3, 5, 7}, axpyOnFreshBackend(second));
    assertEquals(1, second.loaded());
    assertEquals(written, binaries());
  }

  @Test
  void aDamagedBinaryIsRebuiltFromSource() throws IOException {
    axpyOnFreshBackend(new ProgramBinaryCache(dir));
    Path file = binaries().get(0);
    byte[] garbage = "not a program binary".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    Files.write(file, garbage);

    ProgramBinaryCache cache = new ProgramBinaryCache(dir);
    assertArrayEquals(new float[] {3, 5, 7}, axpyOnFreshBackend(cache));
    assertEquals(0, cache.loaded());
    assertTrue(Files.exists(file));
    assertNotEquals(garbage.length, Files.size(file), "the fresh build replaced the damaged file");
  }

  @Test
  void keysDifferWithOptionsSourceAndDriver() {
    ProgramBinaryCache cache = new ProgramBinaryCache(dir);
    OpenClDevice d = Twin.CL.device();
    Path base = cache.fileFor(d, "-DA=1", "kernel");
    assertEquals(base, cache.fileFor(d, "-DA=1", "kernel"));
    assertNotEquals(base, cache.fileFor(d, "-DA=2", "kernel"));
    assertNotEquals(base, cache.fileFor(d, "-DA=1", "kernel "));
    OpenClDevice newDriver =
        new OpenClDevice(
            d.index(),
            d.platform(),
            d.name(),
            d.vendor(),
            d.type(),
            d.computeUnits(),
            d.globalMemoryBytes(),
            d.maxAllocationBytes(),
            d.version(),
            d.driver() + "-next",
            d.platformId(),
            d.deviceId());
    assertNotEquals(base, cache.fileFor(newDriver, "-DA=1", "kernel"));
    assertFalse(base.getFileName().toString().contains("/"));
  }
}
