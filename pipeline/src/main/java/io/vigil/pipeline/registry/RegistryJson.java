package io.vigil.pipeline.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.vigil.engine.io.AtomicFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The registry's two JSON files: a version's {@code meta.json} ({@link Meta}) and the registry's
 * {@code active.json} ({@link Active}). Written atomically; unknown fields are ignored on reading,
 * so that a newer vigil may add some.
 */
final class RegistryJson {

  /**
   * {@code meta.json}: the {@link VersionRecord} without its file's path (the file is beside it,
   * wherever the registry is moved).
   */
  record Meta(
      String version,
      String name,
      String parentVersion,
      String createdAt,
      String trainingData,
      Map<String, Double> validation,
      String notes,
      String sha256) {}

  /** {@code active.json}: the active version (null when none) and the activation history. */
  record Active(String active, List<String> history) {}

  private final ObjectMapper mapper =
      JsonMapper.builder()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .build();

  <T> T read(Path file, Class<T> type) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    T value;
    try {
      value = mapper.readValue(bytes, type);
    } catch (JsonProcessingException e) {
      throw new IOException(file + ": unreadable JSON: " + e.getOriginalMessage(), e);
    }
    if (value == null) {
      throw new IOException(file + ": holds JSON null, not a " + type.getSimpleName());
    }
    return value;
  }

  void write(Path file, Object value) throws IOException {
    AtomicFiles.write(file, ByteBuffer.wrap(mapper.writeValueAsBytes(value)));
  }
}
