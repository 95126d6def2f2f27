package io.vigil.pipeline.registry;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * Reads the folders under a registry's {@code versions/}: their names, and each one's {@link
 * VersionRecord} or what makes it unusable.
 */
final class VersionFolders {

  private final Path versions;
  private final RegistryJson json;

  VersionFolders(Path versions, RegistryJson json) {
    this.versions = versions;
    this.json = json;
  }

  /** Whether {@code version} can name a version folder (no separators, not hidden). */
  static boolean isVersionName(String version) {
    return version != null && version.matches("[A-Za-z0-9._-]+") && !version.startsWith(".");
  }

  /** Whether something named {@code version} is under {@code versions/}, usable or not. */
  boolean exists(String version) {
    return isVersionName(version) && Files.exists(versions.resolve(version));
  }

  /** The names under {@code versions/}, sorted, hidden ones left out. */
  List<String> names() {
    try (Stream<Path> entries = Files.list(versions)) {
      return entries
          .map(p -> p.getFileName().toString())
          .filter(name -> !name.startsWith("."))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + versions + ": " + e.getMessage(), e);
    }
  }

  /** The record of a version folder, or an exception naming it and saying why it is unusable. */
  VersionRecord read(String version) throws IOException {
    Path folder = versions.resolve(version);
    String where = "version " + version + " (" + folder + ")";
    if (!Files.isDirectory(folder)) {
      throw new IOException(where + ": not a folder");
    }
    Path metaFile = folder.resolve(ModelRegistry.META_FILE);
    if (!Files.isRegularFile(metaFile)) {
      throw new IOException(
          where + ": no " + ModelRegistry.META_FILE + ", not a published version");
    }
    RegistryJson.Meta meta;
    try {
      meta = json.read(metaFile, RegistryJson.Meta.class);
    } catch (IOException e) {
      throw new IOException(where + ": " + e.getMessage(), e);
    }
    if (!version.equals(meta.version())) {
      throw new IOException(
          where + ": its " + ModelRegistry.META_FILE + " names version " + meta.version());
    }
    Path modelFile = folder.resolve(ModelRegistry.MODEL_FILE);
    if (!Files.isRegularFile(modelFile)) {
      throw new IOException(where + ": no " + ModelRegistry.MODEL_FILE);
    }
    if (meta.createdAt() == null || meta.sha256() == null || meta.name() == null) {
      throw new IOException(
          where + ": its " + ModelRegistry.META_FILE + " lacks name, createdAt or sha256");
    }
    try {
      Instant.parse(meta.createdAt());
      return record(meta, modelFile);
    } catch (DateTimeParseException | IllegalArgumentException e) {
      throw new IOException(
          where + ": its " + ModelRegistry.META_FILE + " is invalid: " + e.getMessage(), e);
    }
  }

  static VersionRecord record(RegistryJson.Meta meta, Path modelFile) {
    return new VersionRecord(
        meta.version(),
        meta.name(),
        modelFile,
        meta.parentVersion(),
        meta.createdAt(),
        meta.trainingData(),
        meta.validation(),
        meta.notes(),
        meta.sha256());
  }

  /** SHA-256 of a whole file, as 64 lowercase hex digits. */
  static String sha256(Path file) throws IOException {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this Java has no SHA-256", e);
    }
    try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
      in.transferTo(OutputStream.nullOutputStream());
    }
    return HexFormat.of().formatHex(digest.digest());
  }
}
