package io.vigil.pipeline.service;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Optional;

/**
 * The bearer token that every call changing something must carry. Read once, from a file (its first
 * line, trimmed) or from the environment variable {@value #ENVIRONMENT}; compared in constant time,
 * so that a caller cannot learn it a character at a time from response times.
 */
public final class ApiToken {

  /** The environment variable read when no token file is configured. */
  public static final String ENVIRONMENT = "VIGIL_TOKEN";

  /** Shorter tokens are refused: they can be guessed. */
  static final int MIN_LENGTH = 16;

  private final byte[] digest;

  private ApiToken(String token) {
    this.digest = sha256(token);
  }

  /** A token given as text (tests; the file and environment forms end here). */
  public static ApiToken of(String token) {
    if (token == null || token.isBlank()) {
      throw new IllegalArgumentException("the API token is empty");
    }
    if (token.strip().length() < MIN_LENGTH) {
      throw new IllegalArgumentException(
          "the API token is too short: at least " + MIN_LENGTH + " characters are needed");
    }
    return new ApiToken(token.strip());
  }

  /**
   * The token from {@code file} when given, else from {@value #ENVIRONMENT}; empty when neither has
   * one.
   *
   * @throws IOException naming the file, when it cannot be read or holds no token
   */
  public static Optional<ApiToken> load(Path file, String environmentValue) throws IOException {
    if (file != null) {
      if (!Files.isRegularFile(file)) {
        throw new IOException(file + ": token file not found");
      }
      List<String> lines;
      try {
        lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      } catch (java.nio.file.AccessDeniedException e) {
        throw new IOException(
            file
                + ": cannot read the token file: permission denied (vigil runs as user "
                + System.getProperty("user.name")
                + ")",
            e);
      }
      String first =
          lines.stream()
              .map(String::strip)
              .filter(l -> !l.isEmpty())
              .findFirst()
              .orElseThrow(() -> new IOException(file + ": token file is empty"));
      try {
        return Optional.of(of(first));
      } catch (IllegalArgumentException e) {
        throw new IOException(file + ": " + e.getMessage());
      }
    }
    if (environmentValue != null && !environmentValue.isBlank()) {
      try {
        return Optional.of(of(environmentValue));
      } catch (IllegalArgumentException e) {
        throw new IOException(ENVIRONMENT + ": " + e.getMessage());
      }
    }
    return Optional.empty();
  }

  /**
   * Whether an {@code Authorization} header value carries this token ({@code Bearer TOKEN}). Both
   * sides are hashed first, so the comparison takes the same time whatever the length or content of
   * the guess.
   */
  public boolean acceptsHeader(String authorization) {
    if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return false;
    }
    return MessageDigest.isEqual(digest, sha256(authorization.substring(7).strip()));
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JVM has no SHA-256", e);
    }
  }
}
