package io.vigil.pipeline.registry;

import io.vigil.engine.backend.Backend;
import io.vigil.engine.backend.cpu.CpuBackend;
import io.vigil.engine.model.Model;
import io.vigil.engine.model.ModelFile;
import io.vigil.engine.model.ModelFileException;
import io.vigil.onnx.ImportOptions;
import io.vigil.onnx.OnnxImport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The model versions on disk, which one is active, activation and rollback.
 *
 * <p>Layout of a registry folder {@code DIR}:
 *
 * <pre>
 *   DIR/versions/VERSION/model.vgl   the model file (ModelFile format), never changed once published
 *   DIR/versions/VERSION/meta.json   its record: name, parent version, creation time (UTC), training
 *                                    data, validation figures, notes, SHA-256 of model.vgl
 *   DIR/active.json                  {"active": VERSION, "history": [oldest, ..., VERSION]}
 *   DIR/.incoming-VERSION-*          a publish in progress (or the leftover of an interrupted one)
 * </pre>
 *
 * {@code VERSION} is the model's own version ({@link Model#version()}: its name and a hash of its
 * graph and weights), so the same weights are never published twice.
 *
 * <p>Publishing writes the model file and {@code meta.json} into a fresh {@code .incoming-*}
 * folder, loads the file back (its checksum and version must hold), flushes both to disk and
 * renames the folder to {@code versions/VERSION} in one atomic step: a crash leaves the whole
 * version or none of it. {@link #open} removes incoming folders that no running publish holds.
 * {@code active.json} is replaced atomically on every change and keeps the last 100 activations,
 * which is as far back as rollbacks go. A folder under {@code versions/} without a readable {@code
 * meta.json} is not listed; {@link #problems} says what is wrong with it.
 *
 * <p>Reads ({@link #list}, {@link #find}, {@link #active}) look at the disk each time, so a change
 * made by another process (the command line) is seen; they throw {@link UncheckedIOException} when
 * the disk cannot be read. Not thread-safe: one thread at a time (the registry actor). Holds no
 * static state; two registries may be open on one folder, but only one should write at a time.
 */
public final class ModelRegistry {

  static final String VERSIONS = "versions";
  static final String MODEL_FILE = "model.vgl";
  static final String META_FILE = "meta.json";
  static final String ACTIVE_FILE = "active.json";

  private static final Logger log = LoggerFactory.getLogger(ModelRegistry.class);

  private final Path dir;
  private final Path versions;
  private final Path activeFile;
  private final Clock clock;
  private final RegistryJson json = new RegistryJson();
  private final VersionFolders folders;

  private ModelRegistry(Path dir, Clock clock) {
    this.dir = dir;
    this.versions = dir.resolve(VERSIONS);
    this.activeFile = dir.resolve(ACTIVE_FILE);
    this.clock = clock;
    this.folders = new VersionFolders(versions, json);
  }

  /** Opens (creating if absent) the registry in dir; cleans leftovers of interrupted publishes. */
  public static ModelRegistry open(Path dir) throws IOException {
    return open(dir, Clock.systemUTC());
  }

  /**
   * As {@link #open(Path)}, with the clock that stamps new versions' creation time.
   *
   * @throws IOException when the folder cannot be made, or its {@code active.json} is unreadable
   */
  public static ModelRegistry open(Path dir, Clock clock) throws IOException {
    Objects.requireNonNull(clock, "clock");
    Path root = dir.toAbsolutePath().normalize();
    if (Files.exists(root) && !Files.isDirectory(root)) {
      throw new IOException("cannot open model registry " + root + ": it is a file, not a folder");
    }
    try {
      Files.createDirectories(root.resolve(VERSIONS));
    } catch (IOException e) {
      throw new IOException(
          "cannot open model registry "
              + root
              + ": "
              + e.getClass().getSimpleName()
              + " "
              + e.getMessage(),
          e);
    }
    for (String leftover : IncomingDir.sweep(root)) {
      log.info("model registry {}: removed {}, left by an interrupted publish", root, leftover);
    }
    ModelRegistry registry = new ModelRegistry(root, clock);
    ActivationHistory.read(registry.activeFile, registry.json);
    return registry;
  }

  /** The registry's folder, absolute. */
  public Path dir() {
    return dir;
  }

  /** Every published version, oldest first (by creation time, then version). */
  public List<VersionRecord> list() {
    List<VersionRecord> records = new ArrayList<>();
    for (String name : folders.names()) {
      try {
        records.add(folders.read(name));
      } catch (IOException unusable) {
        // Reported by problems().
      }
    }
    records.sort(
        Comparator.comparing((VersionRecord r) -> Instant.parse(r.createdAt()))
            .thenComparing(VersionRecord::version));
    return records;
  }

  /**
   * What is wrong with each folder under {@code versions/} that {@link #list} leaves out (no or an
   * unreadable {@code meta.json}, a missing model file, ...), one line each naming the folder.
   */
  public List<String> problems() {
    List<String> problems = new ArrayList<>();
    for (String name : folders.names()) {
      try {
        folders.read(name);
      } catch (IOException e) {
        problems.add(e.getMessage());
      }
    }
    return problems;
  }

  /** The published version {@code version}; empty when it is unknown or unusable. */
  public Optional<VersionRecord> find(String version) {
    if (!VersionFolders.isVersionName(version) || !Files.isDirectory(versions.resolve(version))) {
      return Optional.empty();
    }
    try {
      return Optional.of(folders.read(version));
    } catch (IOException unusable) {
      return Optional.empty();
    }
  }

  /**
   * The record of a version that must exist.
   *
   * @throws IllegalArgumentException naming the version and the known ones when it is unknown
   * @throws IOException saying why when its folder is there but unusable
   */
  public VersionRecord require(String version) throws IOException {
    if (!folders.exists(version)) {
      List<String> known = list().stream().map(VersionRecord::version).toList();
      throw new IllegalArgumentException(
          "unknown version '"
              + version
              + "' in "
              + dir
              + "; known: "
              + (known.isEmpty() ? "none" : String.join(", ", known)));
    }
    return folders.read(version);
  }

  /**
   * Publishes model with its metadata: writes model file + metadata to a temp dir inside the
   * registry, verifies (checksum: load it back with ModelFile.load and compare version), then
   * renames into place atomically. A crash leaves the whole version or nothing. Publishing a
   * version already present returns its record unchanged.
   *
   * @throws IOException when writing or verifying fails (nothing is published then), or the
   *     version's folder exists but is unusable
   */
  public VersionRecord publish(Model model, VersionMetadata metadata) throws IOException {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(metadata, "metadata of " + model.version());
    String version = model.version();
    Path target = versions.resolve(version);
    if (Files.exists(target)) {
      return existing(version);
    }
    try (IncomingDir incoming = IncomingDir.create(dir, version)) {
      Path file = incoming.path().resolve(MODEL_FILE);
      ModelFile.save(model, file);
      String sha256 = VersionFolders.sha256(file);
      Model back;
      try {
        back = ModelFile.load(file);
      } catch (ModelFileException e) {
        throw new IOException(
            "publish of " + version + ": the written model file does not load: " + e.getMessage(),
            e);
      }
      if (!back.version().equals(version)) {
        throw new IOException(
            "publish of " + version + ": the written model file holds version " + back.version());
      }
      RegistryJson.Meta meta =
          new RegistryJson.Meta(
              version,
              model.name(),
              metadata.parentVersion(),
              clock.instant().toString(),
              metadata.trainingData(),
              metadata.validation(),
              metadata.notes(),
              sha256);
      json.write(incoming.path().resolve(META_FILE), meta);
      if (!incoming.publishAs(target)) {
        return existing(version);
      }
      log.info("model registry {}: published {}", dir, version);
      return VersionFolders.record(meta, target.resolve(MODEL_FILE));
    }
  }

  /**
   * Publishes the model in a .vgl file, or in an ONNX file (named {@code *.onnx}), imported with
   * what its metadata says ({@link ImportOptions#defaults()}); its provenance becomes the metadata,
   * see {@link VersionMetadata#fromProvenance}.
   */
  public VersionRecord importFile(Path modelFile) throws IOException {
    Model model = readModelFile(modelFile);
    return publish(model, VersionMetadata.fromProvenance(model.provenance()));
  }

  /**
   * Reads a model file onto the CPU: by its name, an ONNX file ({@code *.onnx}, in any case) is
   * imported ({@link ImportOptions#defaults()}), anything else is read as a vigil model file.
   */
  public static Model readModelFile(Path modelFile) throws IOException {
    Path name = modelFile.getFileName();
    if (name != null && name.toString().toLowerCase(Locale.ROOT).endsWith(".onnx")) {
      return OnnxImport.read(modelFile, ImportOptions.defaults(), CpuBackend.shared());
    }
    return ModelFile.load(modelFile);
  }

  /**
   * Loads a published version (fresh network each call) on the given backend, after checking the
   * file's SHA-256 against the one recorded when it was published.
   *
   * @throws IllegalArgumentException when the version is unknown
   * @throws IOException when it is unusable or its file is damaged
   */
  public Model load(String version, Backend backend) throws IOException {
    VersionRecord record = require(version);
    String actual = VersionFolders.sha256(record.modelFile());
    if (!actual.equals(record.sha256())) {
      throw new ModelFileException(
          record.modelFile()
              + ": damaged: its SHA-256 is "
              + actual
              + ", version "
              + version
              + " was published with "
              + record.sha256());
    }
    Model model = ModelFile.load(record.modelFile(), backend);
    if (!model.version().equals(version)) {
      throw new ModelFileException(
          record.modelFile() + ": holds version " + model.version() + ", not " + version);
    }
    return model;
  }

  /** The active version, persisted; empty when none was ever activated. */
  public Optional<String> active() {
    return history().active();
  }

  /**
   * Makes version active and persists that atomically (appending to the activation history; the
   * version already active stays as it is). Does NOT check fit or run the model: callers do that
   * first (see {@link #checkFits} and {@link #verifyRuns}).
   *
   * @throws IllegalArgumentException naming the version and the known ones when it is unknown
   * @throws IOException when it is unusable, or {@code active.json} cannot be written
   */
  public VersionRecord setActive(String version) throws IOException {
    VersionRecord record = require(version);
    ActivationHistory history = ActivationHistory.read(activeFile, json);
    ActivationHistory next = history.activate(version);
    if (next != history) {
      next.write(activeFile, json);
      log.info("model registry {}: {} is active", dir, version);
    }
    return record;
  }

  /** The version that was active before the current one (the history's previous entry), if any. */
  public Optional<String> rollbackTarget() {
    return history().previous();
  }

  /**
   * Makes {@link #rollbackTarget()} active and drops the current one from the history (so a second
   * rollback goes one further back); persisted atomically.
   *
   * @throws IllegalStateException when there is nothing to roll back to
   * @throws IOException when the target is no longer usable, or {@code active.json} cannot be
   *     written
   */
  public VersionRecord rollBack() throws IOException {
    ActivationHistory history = ActivationHistory.read(activeFile, json);
    Optional<String> current = history.active();
    String target =
        history
            .previous()
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "nothing to roll back to in "
                            + dir
                            + ": "
                            + current
                                .map(v -> v + " is the only version activated there")
                                .orElse("no version was ever activated there")));
    VersionRecord record;
    try {
      record = require(target);
    } catch (IllegalArgumentException gone) {
      throw new IOException(
          "cannot roll back from " + current.get() + " to " + target + ": " + gone.getMessage(),
          gone);
    }
    history.rolledBack().write(activeFile, json);
    log.info("model registry {}: rolled back from {} to {}", dir, current.get(), target);
    return record;
  }

  /**
   * Refuses a candidate that does not fit the slot served by {@code serving}: same {@link
   * io.vigil.engine.model.InputContract} (channels, height, width, mean, std) and the same class
   * list in the same order, or a class list in {@code acceptedClassLists} (what the running outputs
   * declare they accept).
   *
   * @throws SlotMismatchException naming both versions and the differing fields
   */
  public static void checkFits(
      Model candidate, Model serving, List<List<String>> acceptedClassLists) {
    SlotChecks.checkFits(candidate, serving, acceptedClassLists);
  }

  /**
   * Load-before-unload check: makes a predictor of batch 1, runs one all-zero image, checks the
   * outputs are finite and sum to 1 (within {@code 1e-3}).
   *
   * @throws IllegalStateException naming the version otherwise
   */
  public static void verifyRuns(Model model) {
    SlotChecks.verifyRuns(model);
  }

  private ActivationHistory history() {
    try {
      return ActivationHistory.read(activeFile, json);
    } catch (IOException e) {
      throw new UncheckedIOException(e.getMessage(), e);
    }
  }

  /** The record of a version found present while publishing it; an unusable one is an error. */
  private VersionRecord existing(String version) throws IOException {
    try {
      return folders.read(version);
    } catch (IOException e) {
      throw new IOException(
          "cannot publish "
              + version
              + ": "
              + e.getMessage()
              + "; remove the folder to publish again",
          e);
    }
  }
}
