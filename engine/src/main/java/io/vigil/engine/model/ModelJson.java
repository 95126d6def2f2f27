package io.vigil.engine.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.vigil.engine.layer.StateTensor;
import io.vigil.engine.network.Network;
import io.vigil.engine.network.NetworkSpec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** The JSON mapper of model files and the weight bytes and version hash derived from a network. */
final class ModelJson {

  static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .build();

  private ModelJson() {}

  static String graphJson(NetworkSpec spec) {
    try {
      return MAPPER.writeValueAsString(spec);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write network graph as JSON: " + e.getMessage(), e);
    }
  }

  /**
   * Every saved tensor's values (parameters, then non-trainable state such as running statistics),
   * in {@link Network#savedTensors()} order, little-endian float32.
   */
  static byte[] weightBytes(Network network) {
    long floats = 0;
    for (StateTensor p : network.savedTensors()) {
      floats += p.value().size();
    }
    ByteBuffer buffer =
        ByteBuffer.allocate(Math.toIntExact(floats * 4)).order(ByteOrder.LITTLE_ENDIAN);
    for (StateTensor p : network.savedTensors()) {
      float[] values = new float[p.value().size()];
      network.backend().download(p.value(), 0, values, 0, values.length);
      buffer.asFloatBuffer().put(values);
      buffer.position(buffer.position() + values.length * 4);
    }
    return buffer.array();
  }

  /** {@code name-} + the first 12 hex digits of SHA-256(graph JSON ‖ weight bytes). */
  static String version(String name, String graphJson, byte[] weights) {
    MessageDigest sha = sha256();
    sha.update(graphJson.getBytes(StandardCharsets.UTF_8));
    sha.update(weights);
    return name + "-" + HexFormat.of().formatHex(sha.digest()).substring(0, 12);
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JVM has no SHA-256", e);
    }
  }
}
