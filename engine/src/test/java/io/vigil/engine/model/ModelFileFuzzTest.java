package io.vigil.engine.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.engine.backend.cpu.CpuBackend;
import io.vigil.engine.layer.AddSpec;
import io.vigil.engine.layer.BatchNormSpec;
import io.vigil.engine.layer.Conv2dSpec;
import io.vigil.engine.layer.FlattenSpec;
import io.vigil.engine.layer.LinearSpec;
import io.vigil.engine.layer.MaxPool2dSpec;
import io.vigil.engine.layer.ReluSpec;
import io.vigil.engine.network.Network;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile model files: truncated, with flipped bytes, and crafted ones whose checksum is right but
 * whose header lies (absurd, negative and overflowing sizes, offsets past the end, missing parts).
 * Every one must end in a {@link ModelFileException} naming the file, before anything large is
 * allocated; never an {@link OutOfMemoryError} or an arithmetic or index error.
 */
class ModelFileFuzzTest {

  private static final long[] HOSTILE_NUMBERS = {
    -1,
    0,
    3,
    5_000_000,
    Integer.MAX_VALUE,
    1L + Integer.MAX_VALUE,
    Integer.MIN_VALUE,
    Long.MAX_VALUE
  };

  /** Bytes that keep a JSON header parsing more often than random ones do. */
  private static final String JSON_BYTES = " {}[]:,\"-0123456789eE.nultrfasx\\\u00ff";

  @TempDir Path dir;

  private Path file;
  private byte[] original;
  private ObjectNode header;
  private byte[] weights;

  /**
   * A small DAG with the parts model files hold: convolution, batch-norm state, a sum, and a fully
   * connected head over 400 values, which at five million outputs would take 8 GB.
   */
  private static Model smallModel() {
    Network network =
        Network.builder(1, 20, 20)
            .add("conv1", Conv2dSpec.of(4, 3, 1, 1))
            .add("bn1", BatchNormSpec.defaults())
            .add("relu1", new ReluSpec())
            .add("conv2", Conv2dSpec.of(4, 3, 1, 1), "input")
            .add("sum", new AddSpec(), "relu1", "conv2")
            .add("pool", MaxPool2dSpec.of(2, 2))
            .add("flatten", new FlattenSpec())
            .add("fc", new LinearSpec(3))
            .optSeed(11)
            .build();
    return Model.create(
        "small",
        network,
        new InputContract(1, 20, 20, 0.5f, 0.25f),
        List.of("a", "b", "c"),
        new Provenance("fuzz", 1, 0.5, null, "2026-01-01T00:00:00Z", "test"));
  }

  @BeforeEach
  void save() throws IOException {
    file = dir.resolve("crafted.vgl");
    ModelFile.save(smallModel(), file);
    original = Files.readAllBytes(file);
    ByteBuffer in = ByteBuffer.wrap(original).order(ByteOrder.LITTLE_ENDIAN);
    int headerLength = in.getInt(12);
    header =
        (ObjectNode) ModelJson.MAPPER.readTree(Arrays.copyOfRange(original, 16, 16 + headerLength));
    weights = Arrays.copyOfRange(original, 16 + headerLength, original.length - 32);
  }

  @Test
  void theUntouchedFileLoads() throws IOException {
    assertEquals(3, ModelFile.load(file).classNames().size());
    write(header, weights);
    assertEquals(3, ModelFile.load(file).classNames().size());
  }

  @Test
  void aLinearLayerClaimingFiveMillionOutputsIsRefusedNamingTheLayerAndTheValue()
      throws IOException {
    ((ObjectNode) node(header, "graph", "nodes", "7", "layer")).put("outputs", 5_000_000);
    write(header, weights);
    ModelFileException e = assertThrows(ModelFileException.class, () -> ModelFile.load(file));
    assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    assertTrue(e.getMessage().contains("fc"), e.getMessage());
    assertTrue(e.getMessage().contains("5000000"), e.getMessage());
  }

  @Test
  void aHugeInputIsRefusedBeforeAnyAllocation() throws IOException {
    ObjectNode graph = (ObjectNode) header.get("graph");
    graph.put("height", 1_000_000).put("width", 1_000_000);
    write(header, weights);
    ModelFileException e = assertThrows(ModelFileException.class, () -> ModelFile.load(file));
    assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    assertTrue(e.getMessage().contains("1000000"), e.getMessage());
  }

  @Test
  void paddingAndDilationThatOverflowAreRefusedNamingTheLayer() throws IOException {
    for (String[] field : new String[][] {{"padH", "2147483647"}, {"dilationW", "1073741824"}}) {
      ObjectNode copy = header.deepCopy();
      ((ObjectNode) node(copy, "graph", "nodes", "0", "layer"))
          .put(field[0], Integer.parseInt(field[1]));
      write(copy, weights);
      ModelFileException e = assertThrows(ModelFileException.class, () -> ModelFile.load(file));
      assertTrue(e.getMessage().contains(file + ": layer conv1 "), e.getMessage());
      assertTrue(e.getMessage().contains(field[0] + "=" + field[1]), e.getMessage());
    }
  }

  @Test
  void aTensorOffsetPastTheEndIsRefusedNamingTheTensor() throws IOException {
    ((ObjectNode) node(header, "tensors", "0")).put("offset", 1L << 40);
    write(header, weights);
    ModelFileException e = assertThrows(ModelFileException.class, () -> ModelFile.load(file));
    assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    assertTrue(e.getMessage().contains("conv1.weight"), e.getMessage());
    assertTrue(e.getMessage().contains(Long.toString(1L << 40)), e.getMessage());
  }

  @Test
  void aNegativeTensorOffsetIsRefusedNamingTheTensor() throws IOException {
    ((ObjectNode) node(header, "tensors", "1")).put("offset", -4);
    write(header, weights);
    ModelFileException e = assertThrows(ModelFileException.class, () -> ModelFile.load(file));
    assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    assertTrue(e.getMessage().contains("-4"), e.getMessage());
  }

  @Test
  void truncationsAreRefused() throws IOException {
    // Every length through the preamble and into the header, then every 23rd, and the last 32.
    for (int length = 0; length < original.length; length += length < 128 ? 1 : 23) {
      expectRefused(Arrays.copyOf(original, length), "truncated to " + length + " bytes");
    }
    for (int length = original.length - 32; length < original.length; length++) {
      expectRefused(Arrays.copyOf(original, length), "truncated to " + length + " bytes");
    }
    Files.write(file, Arrays.copyOf(original, original.length / 2));
    ModelFileException e = assertThrows(ModelFileException.class, () -> ModelFile.load(file));
    assertTrue(e.getMessage().contains(file + ": truncated"), e.getMessage());
  }

  @Test
  void flippedBytesAreRefused() throws IOException {
    Random random = new Random(20261207);
    for (int i = 0; i < 300; i++) {
      byte[] damaged = original.clone();
      int at = random.nextInt(damaged.length);
      damaged[at] ^= (byte) (1 + random.nextInt(255));
      expectRefused(damaged, "byte " + at + " flipped");
    }
  }

  @Test
  void flippedHeaderBytesUnderAValidChecksumAreRefusedOrHarmless() throws IOException {
    Random random = new Random(7);
    byte[] json = ModelJson.MAPPER.writeValueAsBytes(header);
    for (int i = 0; i < 300; i++) {
      byte[] damaged = json.clone();
      int at = random.nextInt(damaged.length);
      damaged[at] = (byte) JSON_BYTES.charAt(random.nextInt(JSON_BYTES.length()));
      expectRefusedOrLoaded(
          signed(damaged, weights), "header byte " + at + " set to '" + (char) damaged[at] + "'");
    }
  }

  @Test
  void hostileValuesInEveryHeaderFieldAreRefusedOrHarmless() throws IOException {
    List<String[]> paths = new ArrayList<>();
    collectPaths(header, new ArrayList<>(), paths);
    int cases = 0;
    for (String[] path : paths) {
      if (node(header, path).isNumber()) {
        for (long n : HOSTILE_NUMBERS) {
          JsonNode value = JsonNodeFactory.instance.numberNode(n);
          cases += mutate(path, parent -> set(parent, last(path), value), "= " + n);
        }
      } else {
        JsonNode value =
            node(header, path).isTextual()
                ? JsonNodeFactory.instance.textNode("x")
                : JsonNodeFactory.instance.arrayNode();
        cases += mutate(path, parent -> set(parent, last(path), value), "= " + value);
      }
      JsonNode nothing = JsonNodeFactory.instance.nullNode();
      cases += mutate(path, parent -> set(parent, last(path), nothing), "= null");
      cases += mutate(path, parent -> remove(parent, last(path)), "removed");
    }
    assertTrue(cases > 500, "only " + cases + " cases");
  }

  /** Applies {@code change} to the parent of {@code path} in a copy of the header; loads it. */
  private int mutate(String[] path, Consumer<JsonNode> change, String what) throws IOException {
    ObjectNode copy = header.deepCopy();
    JsonNode parent = node(copy, Arrays.copyOf(path, path.length - 1));
    change.accept(parent);
    expectRefusedOrLoaded(
        signed(ModelJson.MAPPER.writeValueAsBytes(copy), weights),
        String.join(".", path) + " " + what);
    return 1;
  }

  /** Reads {@code bytes} as the file's contents: the same checks as a load, without the disk. */
  private void expectRefused(byte[] bytes, String what) {
    try {
      ModelFile.read(file, bytes, CpuBackend.shared());
      fail(what + ": loaded");
    } catch (ModelFileException e) {
      assertTrue(e.getMessage().contains(file.toString()), what + ": " + e.getMessage());
    } catch (Throwable e) {
      throw new AssertionError(what + ": " + e, e);
    }
  }

  private void expectRefusedOrLoaded(byte[] bytes, String what) {
    try {
      ModelFile.read(file, bytes, CpuBackend.shared());
    } catch (ModelFileException e) {
      assertTrue(e.getMessage().contains(file.toString()), what + ": " + e.getMessage());
    } catch (Throwable e) {
      throw new AssertionError(what + ": " + e, e);
    }
  }

  private void write(ObjectNode json, byte[] weightBytes) throws IOException {
    Files.write(file, signed(ModelJson.MAPPER.writeValueAsBytes(json), weightBytes));
  }

  /** A model file of this header and weights with a correct checksum. */
  private static byte[] signed(byte[] json, byte[] weightBytes) {
    ByteBuffer body =
        ByteBuffer.allocate(16 + json.length + weightBytes.length + 32)
            .order(ByteOrder.LITTLE_ENDIAN);
    body.put(ModelFile.MAGIC).putInt(ModelFile.FORMAT_VERSION).putInt(json.length);
    body.put(json).put(weightBytes);
    MessageDigest sha = ModelJson.sha256();
    sha.update(body.array(), 0, body.position());
    body.put(sha.digest());
    return body.array();
  }

  private static void collectPaths(JsonNode node, List<String> at, List<String[]> out) {
    if (!at.isEmpty()) {
      out.add(at.toArray(String[]::new));
    }
    if (node.isObject()) {
      node.fieldNames()
          .forEachRemaining(
              name -> {
                at.add(name);
                collectPaths(node.get(name), at, out);
                at.remove(at.size() - 1);
              });
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        at.add(Integer.toString(i));
        collectPaths(node.get(i), at, out);
        at.remove(at.size() - 1);
      }
    }
  }

  private static JsonNode node(JsonNode root, String... path) {
    JsonNode n = root;
    for (String step : path) {
      n = n.isArray() ? n.get(Integer.parseInt(step)) : n.get(step);
    }
    return n;
  }

  private static String last(String[] path) {
    return path[path.length - 1];
  }

  private static void set(JsonNode parent, String key, JsonNode value) {
    if (parent instanceof ArrayNode array) {
      array.set(Integer.parseInt(key), value);
    } else {
      ((ObjectNode) parent).set(key, value);
    }
  }

  private static void remove(JsonNode parent, String key) {
    if (parent instanceof ArrayNode array) {
      array.remove(Integer.parseInt(key));
    } else {
      ((ObjectNode) parent).remove(key);
    }
  }
}
