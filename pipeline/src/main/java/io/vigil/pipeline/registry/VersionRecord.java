package io.vigil.pipeline.registry;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * One published version as the registry holds it.
 *
 * @param version the model's version ({@code name-} + 12 hex digits), also its folder's name
 * @param name the model's name
 * @param modelFile the version's {@code model.vgl} (absolute)
 * @param parentVersion the version it was fine-tuned from, or null
 * @param createdAt when it was published, ISO-8601 UTC (e.g. {@code 2026-12-07T10:15:30.123Z})
 * @param trainingData what it was trained on, or null
 * @param validation its validation figures, name to value, in the order they were given
 * @param notes free-form notes, or null
 * @param sha256 SHA-256 of the whole model file, 64 lowercase hex digits, checked on every load
 */
public record VersionRecord(
    String version,
    String name,
    Path modelFile,
    String parentVersion,
    String createdAt,
    String trainingData,
    Map<String, Double> validation,
    String notes,
    String sha256) {

  public VersionRecord {
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(name, "name of version " + version);
    Objects.requireNonNull(modelFile, "model file of version " + version);
    Objects.requireNonNull(createdAt, "creation time of version " + version);
    Objects.requireNonNull(sha256, "SHA-256 of version " + version);
    validation = VersionMetadata.figures(validation, "version " + version);
  }
}
