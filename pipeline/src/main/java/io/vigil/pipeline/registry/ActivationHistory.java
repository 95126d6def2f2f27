package io.vigil.pipeline.registry;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The versions activated in a registry, oldest first; the last is the active one. Activating the
 * active version again changes nothing; activating another appends it (the oldest entries fall off
 * past {@link #LIMIT}); rolling back drops the last, so the one before it is active again.
 */
record ActivationHistory(List<String> versions) {

  /** How many activations are remembered, so that years of swaps keep the file small. */
  static final int LIMIT = 100;

  static final ActivationHistory EMPTY = new ActivationHistory(List.of());

  ActivationHistory {
    versions = List.copyOf(versions);
  }

  Optional<String> active() {
    return versions.isEmpty() ? Optional.empty() : Optional.of(versions.get(versions.size() - 1));
  }

  /** The version active before the current one. */
  Optional<String> previous() {
    return versions.size() < 2 ? Optional.empty() : Optional.of(versions.get(versions.size() - 2));
  }

  ActivationHistory activate(String version) {
    if (active().filter(version::equals).isPresent()) {
      return this;
    }
    List<String> next = new ArrayList<>(versions);
    next.add(version);
    return new ActivationHistory(next.subList(Math.max(0, next.size() - LIMIT), next.size()));
  }

  /** The history in {@code activeFile}; empty when there is no such file. */
  static ActivationHistory read(Path activeFile, RegistryJson json) throws IOException {
    if (!Files.exists(activeFile)) {
      return EMPTY;
    }
    RegistryJson.Active saved = json.read(activeFile, RegistryJson.Active.class);
    List<String> history = saved.history() == null ? List.of() : saved.history();
    for (String v : history) {
      if (!VersionFolders.isVersionName(v)) {
        throw new IOException(activeFile + ": the history holds '" + v + "', not a version");
      }
    }
    String last = history.isEmpty() ? null : history.get(history.size() - 1);
    if (!Objects.equals(saved.active(), last)) {
      throw new IOException(
          activeFile
              + ": active is "
              + saved.active()
              + " but the history ends with "
              + last
              + " (they must agree)");
    }
    return new ActivationHistory(history);
  }

  /** Replaces {@code activeFile} with this history, atomically. */
  void write(Path activeFile, RegistryJson json) throws IOException {
    json.write(activeFile, new RegistryJson.Active(active().orElse(null), versions));
  }

  /** The history without its last entry; only when there is a {@link #previous()} one. */
  ActivationHistory rolledBack() {
    if (previous().isEmpty()) {
      throw new IllegalStateException("no earlier version in " + versions);
    }
    return new ActivationHistory(versions.subList(0, versions.size() - 1));
  }
}
