package io.vigil.engine.model;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import io.vigil.engine.backend.Backend;
import io.vigil.engine.backend.cpu.CpuBackend;
import io.vigil.engine.io.AtomicFiles;
import io.vigil.engine.layer.StateTensor;
import io.vigil.engine.network.Network;
import io.vigil.engine.tensor.Shape;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * The vigil model file ({@code .vgl}): one self-describing file per model.
 *
 * <pre>
 *   8 bytes   magic "VIGILMDL"
 *   4 bytes   format version (little-endian int32) = 1
 *   4 bytes   header length H in bytes (little-endian int32)
 *   H bytes   JSON header (UTF-8): name, version, graph, input contract, class names,
 *             provenance, tensor table (name, shape, offset and length in floats)
 *   W bytes   weights, little-endian float32, in tensor-table order: every parameter, then the
 *             non-trainable state (batch-norm running mean and variance), see
 *             Network#savedTensors()
 *   32 bytes  SHA-256 of every byte before it
 * </pre>
 *
 * Saving writes a temporary file in the same directory, forces it to disk and renames it over the
 * target atomically, so readers see the old file or the new one, never half of one.
 *
 * <p>Loading refuses a file that is truncated or whose checksum fails, and then checks every size
 * and offset of the header against the file and against sane limits before it allocates anything
 * ({@link ModelFileChecks}): a crafted file with a valid checksum ends in a {@link
 * ModelFileException} naming the file, the layer or tensor and the bad value.
 */
public final class ModelFile {

  /** Suggested file extension. */
  public static final String EXTENSION = ".vgl";

  static final byte[] MAGIC = "VIGILMDL".getBytes(StandardCharsets.US_ASCII);
  static final int FORMAT_VERSION = 1;
  private static final int PREAMBLE = MAGIC.length + 8;
  private static final int CHECKSUM = 32;

  private ModelFile() {}

  public static void save(Model model, Path file) throws IOException {
    Network network = model.network();
    byte[] weights = ModelJson.weightBytes(network);
    List<ModelFileHeader.TensorEntry> table = new ArrayList<>();
    long offset = 0;
    for (StateTensor p : network.savedTensors()) {
      Shape s = p.value().shape();
      table.add(
          new ModelFileHeader.TensorEntry(
              p.name(), new int[] {s.n(), s.c(), s.h(), s.w()}, offset, s.size()));
      offset += s.size();
    }
    ModelFileHeader header =
        new ModelFileHeader(
            model.name(),
            model.version(),
            network.spec(),
            ContractJson.of(model.input()),
            model.classNames(),
            model.provenance(),
            table);
    byte[] json = ModelJson.MAPPER.writeValueAsBytes(header);
    ByteBuffer body =
        ByteBuffer.allocate(PREAMBLE + json.length + weights.length + CHECKSUM)
            .order(ByteOrder.LITTLE_ENDIAN);
    body.put(MAGIC).putInt(FORMAT_VERSION).putInt(json.length).put(json).put(weights);
    MessageDigest sha = ModelJson.sha256();
    sha.update(body.array(), 0, body.position());
    body.put(sha.digest());

    body.flip();
    AtomicFiles.write(file, body);
  }

  /** Loads a model onto the CPU backend. */
  public static Model load(Path file) throws ModelFileException {
    return load(file, CpuBackend.shared());
  }

  /** Loads a model with its network's tensors on {@code backend} (e.g. an OpenCL device). */
  public static Model load(Path file, Backend backend) throws ModelFileException {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new ModelFileException(file + ": no such model file", e);
    } catch (IOException e) {
      throw new ModelFileException(file + ": cannot read model file: " + e.getMessage(), e);
    }
    return read(file, bytes, backend);
  }

  /** Reads the model file {@code file} whose contents are {@code bytes}. */
  static Model read(Path file, byte[] bytes, Backend backend) throws ModelFileException {
    if (bytes.length < MAGIC.length
        || !Arrays.equals(bytes, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
      throw new ModelFileException(
          file + ": not a vigil model file (no \"VIGILMDL\" at the start)");
    }
    if (bytes.length < PREAMBLE) {
      throw new ModelFileException(
          file + ": truncated: " + bytes.length + " bytes, shorter than the file preamble");
    }
    ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    in.position(MAGIC.length);
    int format = in.getInt();
    if (format != FORMAT_VERSION) {
      throw new ModelFileException(
          file
              + ": unknown model file format version "
              + format
              + " (this build reads "
              + FORMAT_VERSION
              + ")");
    }
    int headerLength = in.getInt();
    if (headerLength < 2 || (long) PREAMBLE + headerLength + CHECKSUM > bytes.length) {
      throw new ModelFileException(
          file
              + ": truncated: header of "
              + headerLength
              + " bytes does not fit in "
              + bytes.length
              + " bytes");
    }
    int end = bytes.length - CHECKSUM;
    MessageDigest sha = ModelJson.sha256();
    sha.update(bytes, 0, end);
    byte[] actual = sha.digest();
    byte[] stored = Arrays.copyOfRange(bytes, end, bytes.length);
    ModelFileHeader header = parseHeader(file, bytes, headerLength, actual, stored);
    long weightBytes = (long) end - PREAMBLE - headerLength;
    long floats = ModelFileChecks.extent(header);
    if (!Arrays.equals(actual, stored)) {
      if (floats > weightBytes / 4) {
        throw new ModelFileException(
            file
                + ": truncated: "
                + bytes.length
                + " bytes, the header promises "
                + (PREAMBLE + headerLength + floats * 4 + CHECKSUM));
      }
      throw new ModelFileException(
          file
              + ": damaged: checksum mismatch (stored SHA-256 "
              + hex(stored)
              + ", contents hash to "
              + hex(actual)
              + ")");
    }
    // The bytes are the ones written; whether the writer told the truth is checked next.
    ModelFileChecks.check(file, header, weightBytes / 4);
    if (weightBytes != floats * 4) {
      throw new ModelFileException(
          file + ": " + (weightBytes - floats * 4) + " unexpected bytes after the weights");
    }
    return rebuild(file, header, in.position(PREAMBLE + headerLength), backend);
  }

  private static ModelFileHeader parseHeader(
      Path file, byte[] bytes, int headerLength, byte[] actual, byte[] stored)
      throws ModelFileException {
    try {
      return ModelJson.MAPPER.readValue(bytes, PREAMBLE, headerLength, ModelFileHeader.class);
    } catch (IOException | RuntimeException e) {
      // A damaged header is reported as damage when the checksum says so.
      String why =
          Arrays.equals(actual, stored)
              ? "unreadable header: "
              : "damaged: checksum mismatch and unreadable header: ";
      throw new ModelFileException(file + ": " + why + oneLine(e), e);
    }
  }

  private static Model rebuild(
      Path file, ModelFileHeader header, ByteBuffer weights, Backend backend)
      throws ModelFileException {
    Network network;
    try {
      network = Network.fromSpec(header.graph(), backend);
    } catch (IllegalArgumentException | ArithmeticException e) {
      throw new ModelFileException(file + ": invalid graph: " + e.getMessage(), e);
    } catch (IllegalStateException e) {
      // The backend refused the network (Backend.checkFits): too big for its device.
      throw new ModelFileException(
          file + ": model " + header.name() + " cannot be placed: " + e.getMessage(), e);
    }
    try {
      return withWeights(file, header, weights, network);
    } catch (ModelFileException | RuntimeException e) {
      // A file refused after its network was placed leaves nothing on the backend.
      network.close();
      throw e;
    }
  }

  /** Fills {@code network} from the file and makes it the model the header describes. */
  private static Model withWeights(
      Path file, ModelFileHeader header, ByteBuffer weights, Network network)
      throws ModelFileException {
    List<StateTensor> params = network.savedTensors();
    List<ModelFileHeader.TensorEntry> table = header.tensors();
    if (params.size() != table.size()) {
      throw new ModelFileException(
          file
              + ": the graph has "
              + params.size()
              + " parameter tensors but the file holds "
              + table.size());
    }
    int base = weights.position();
    for (int i = 0; i < params.size(); i++) {
      StateTensor p = params.get(i);
      ModelFileHeader.TensorEntry t = table.get(i);
      Shape s = p.value().shape();
      int[] want = {s.n(), s.c(), s.h(), s.w()};
      if (!p.name().equals(t.name()) || !Arrays.equals(want, t.shape()) || t.length() != s.size()) {
        throw new ModelFileException(
            file
                + ": tensor "
                + i
                + " is "
                + t.name()
                + " "
                + Arrays.toString(t.shape())
                + " but the graph needs "
                + p.name()
                + " "
                + Arrays.toString(want));
      }
      float[] values = new float[s.size()];
      weights.position(Math.toIntExact(base + t.offset() * 4));
      weights.asFloatBuffer().get(values);
      network.backend().upload(values, 0, p.value(), 0, values.length);
    }
    Model model;
    try {
      model =
          Model.create(
              header.name(),
              network,
              header.input().toContract(),
              header.classNames(),
              header.provenance());
    } catch (IllegalArgumentException e) {
      throw new ModelFileException(file + ": " + e.getMessage(), e);
    }
    if (!model.version().equals(header.version())) {
      throw new ModelFileException(
          file
              + ": version in header "
              + header.version()
              + " does not match the contents ("
              + model.version()
              + ")");
    }
    return model;
  }

  /** Jackson's message without the lines it adds about where in the source it stopped. */
  private static String oneLine(Exception e) {
    if (e instanceof JsonProcessingException json) {
      JsonLocation at = json.getLocation();
      return json.getOriginalMessage().strip().replaceAll("\\s*\\R\\s*", " ")
          + (at == null ? "" : " (header byte " + at.getByteOffset() + ")");
    }
    return String.valueOf(e.getMessage()).strip().replaceAll("\\s*\\R\\s*", " ");
  }

  private static String hex(byte[] digest) {
    return HexFormat.of().formatHex(digest, 0, 8) + "…";
  }
}
