package io.vigil.pipeline.registry;

import io.vigil.engine.model.Provenance;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the registry records beside a published model: the version it was fine-tuned from ({@code
 * parentVersion}, null for one trained from scratch), what it was trained on, its validation
 * figures (name to value, e.g. {@code "test_accuracy" → 0.9119}, in the order given; every value
 * finite) and free-form notes. Any text may be null; {@code validation} may be null for none.
 */
public record VersionMetadata(
    String parentVersion, String trainingData, Map<String, Double> validation, String notes) {

  public VersionMetadata {
    validation = figures(validation, "version metadata");
  }

  /**
   * The metadata a model file carries in its provenance: parent version, data set (with the epochs
   * where known), {@code test_accuracy} and notes.
   */
  public static VersionMetadata fromProvenance(Provenance provenance) {
    String data = provenance.dataset();
    if (data != null && provenance.epochs() > 0) {
      data += ", " + provenance.epochs() + " epochs";
    }
    return new VersionMetadata(
        provenance.parentVersion(),
        data,
        Map.of("test_accuracy", provenance.testAccuracy()),
        provenance.notes());
  }

  /** An unmodifiable copy in the given order; null is none. Rejects null names and values. */
  static Map<String, Double> figures(Map<String, Double> validation, String owner) {
    if (validation == null) {
      return Map.of();
    }
    Map<String, Double> copy = new LinkedHashMap<>();
    validation.forEach(
        (name, value) -> {
          if (name == null || name.isBlank()) {
            throw new IllegalArgumentException(owner + ": a validation figure has no name");
          }
          if (value == null || !Double.isFinite(value)) {
            throw new IllegalArgumentException(
                owner + ": validation figure '" + name + "' must be a finite number, got " + value);
          }
          copy.put(name, value);
        });
    return Collections.unmodifiableMap(copy);
  }
}
