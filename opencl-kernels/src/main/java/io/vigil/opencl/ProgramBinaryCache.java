package io.vigil.opencl;

import static org.lwjgl.opencl.CL10.*;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.IntBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import org.lwjgl.PointerBuffer;
import org.lwjgl.system.MemoryStack;
import org.lwjgl.system.MemoryUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Program binaries on disk, one file per (platform, device, device version, driver, build options,
 * source), named by the SHA-256 of all six so that a new driver or an edited kernel never loads a
 * stale binary. The directory is {@code -Dvigil.opencl.cache}, else {@code
 * $XDG_CACHE_HOME/vigil/opencl}, else {@code ~/.cache/vigil/opencl}. A binary that the driver
 * refuses is deleted and the source is built instead (logged); a cache that cannot be written is
 * logged once and ignored, since it only saves time.
 */
final class ProgramBinaryCache {

  private static final Logger LOG = LoggerFactory.getLogger(ProgramBinaryCache.class);

  private final Path dir;
  private boolean warned;
  private int loaded;

  ProgramBinaryCache(Path dir) {
    this.dir = dir;
  }

  /** The cache in the configured or default directory. */
  static ProgramBinaryCache standard() {
    String configured = System.getProperty("vigil.opencl.cache");
    if (configured != null) {
      return new ProgramBinaryCache(Path.of(configured));
    }
    String xdg = System.getenv("XDG_CACHE_HOME");
    Path base =
        xdg != null && !xdg.isBlank()
            ? Path.of(xdg)
            : Path.of(System.getProperty("user.home"), ".cache");
    return new ProgramBinaryCache(base.resolve("vigil").resolve("opencl"));
  }

  Path dir() {
    return dir;
  }

  /** Programs this cache has loaded from disk so far. */
  int loaded() {
    return loaded;
  }

  /** The file that holds (or would hold) the binary of this build. */
  Path fileFor(OpenClDevice device, String options, String source) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      for (String part :
          new String[] {
            device.platform(), device.name(), device.version(), device.driver(), options, source
          }) {
        sha.update(part.getBytes(StandardCharsets.UTF_8));
        sha.update((byte) 0);
      }
      return dir.resolve(HexFormat.of().formatHex(sha.digest()) + ".bin");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  /** A built program from the cached binary, or empty (no file, or the driver refused it). */
  Optional<Long> load(long context, OpenClDevice device, Path file) {
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      warn("cannot read " + file + ": " + e);
      return Optional.empty();
    }
    ByteBuffer binary = MemoryUtil.memAlloc(Math.max(1, bytes.length));
    try (MemoryStack stack = MemoryStack.stackPush()) {
      binary.put(bytes).flip();
      IntBuffer binaryStatus = stack.mallocInt(1);
      IntBuffer status = stack.mallocInt(1);
      PointerBuffer devices = stack.pointers(device.deviceId());
      long program = clCreateProgramWithBinary(context, devices, binary, binaryStatus, status);
      if (status.get(0) != 0 || binaryStatus.get(0) != 0 || program == 0) {
        refuse(file, ClErrors.name(status.get(0) != 0 ? status.get(0) : binaryStatus.get(0)));
        if (program != 0) {
          clReleaseProgram(program);
        }
        return Optional.empty();
      }
      int built = clBuildProgram(program, device.deviceId(), "", null, 0);
      if (built != 0) {
        clReleaseProgram(program);
        refuse(file, ClErrors.name(built));
        return Optional.empty();
      }
      loaded++;
      return Optional.of(program);
    } finally {
      MemoryUtil.memFree(binary);
    }
  }

  /** Writes the binary of a program just built from source (atomically: temp file, then rename). */
  void store(long program, Path file) {
    try (MemoryStack stack = MemoryStack.stackPush()) {
      PointerBuffer size = stack.mallocPointer(1);
      ClErrors.check(
          clGetProgramInfo(program, CL_PROGRAM_BINARY_SIZES, size, null),
          "clGetProgramInfo(CL_PROGRAM_BINARY_SIZES)");
      long bytes = size.get(0);
      if (bytes <= 0 || bytes > Integer.MAX_VALUE) {
        return;
      }
      ByteBuffer binary = MemoryUtil.memAlloc((int) bytes);
      try {
        PointerBuffer pointers = stack.pointers(binary);
        ClErrors.check(
            clGetProgramInfo(program, CL_PROGRAM_BINARIES, pointers, null),
            "clGetProgramInfo(CL_PROGRAM_BINARIES)");
        byte[] data = new byte[(int) bytes];
        binary.get(data);
        Files.createDirectories(dir);
        Path temp = Files.createTempFile(dir, "program", ".tmp");
        Files.write(temp, data);
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } finally {
        MemoryUtil.memFree(binary);
      }
    } catch (IOException | ClException e) {
      warn("cannot write the program binary " + file + ": " + e);
    }
  }

  private void refuse(Path file, String why) {
    LOG.info(
        "OpenCL driver refused cached program binary {} ({}); building from source", file, why);
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      warn("cannot delete " + file + ": " + e);
    }
  }

  private void warn(String message) {
    if (!warned) {
      warned = true;
      LOG.warn("OpenCL program cache: {} (further cache problems are not logged)", message);
    }
  }
}
