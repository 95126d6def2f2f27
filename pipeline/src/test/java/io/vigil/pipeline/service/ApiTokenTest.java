package io.vigil.pipeline.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bearer token: where it comes from, what it accepts, and the errors that name the file. */
class ApiTokenTest {

  private static final String TOKEN = "a-token-long-enough-0123";

  @TempDir Path dir;

  @Test
  void acceptsOnlyTheBearerHeaderWithTheSameToken() {
    ApiToken token = ApiToken.of(TOKEN);
    assertTrue(token.acceptsHeader("Bearer " + TOKEN));
    assertTrue(token.acceptsHeader("bearer " + TOKEN), "the scheme is case-insensitive");
    assertFalse(token.acceptsHeader("Bearer " + TOKEN + "x"));
    assertFalse(token.acceptsHeader("Bearer " + TOKEN.substring(1)));
    assertFalse(token.acceptsHeader("Basic " + TOKEN));
    assertFalse(token.acceptsHeader(TOKEN));
    assertFalse(token.acceptsHeader(null));
    assertFalse(token.acceptsHeader("Bearer "));
  }

  @Test
  void aFileGivesItsFirstLineAndWinsOverTheEnvironment() throws IOException {
    Path file = Files.writeString(dir.resolve("token"), "\n  " + TOKEN + "  \nignored\n");
    ApiToken token = ApiToken.load(file, "another-token-from-env-xyz").orElseThrow();
    assertTrue(token.acceptsHeader("Bearer " + TOKEN));
    assertTrue(
        ApiToken.load(null, "another-token-from-env-xyz")
            .orElseThrow()
            .acceptsHeader("Bearer another-token-from-env-xyz"));
    assertEquals(Optional.empty(), ApiToken.load(null, null));
    assertEquals(Optional.empty(), ApiToken.load(null, "  "));
  }

  @Test
  void aMissingEmptyShortOrUnreadableTokenIsAnErrorNamingItsSource() throws IOException {
    Path missing = dir.resolve("none");
    assertTrue(
        assertThrows(IOException.class, () -> ApiToken.load(missing, null))
            .getMessage()
            .contains(missing + ": token file not found"));
    Path empty = Files.writeString(dir.resolve("empty"), "\n\n");
    assertTrue(
        assertThrows(IOException.class, () -> ApiToken.load(empty, null))
            .getMessage()
            .contains("token file is empty"));
    Path shortOne = Files.writeString(dir.resolve("short"), "abc\n");
    assertTrue(
        assertThrows(IOException.class, () -> ApiToken.load(shortOne, null))
            .getMessage()
            .contains("too short"));
    assertTrue(
        assertThrows(IOException.class, () -> ApiToken.load(null, "abc"))
            .getMessage()
            .startsWith(ApiToken.ENVIRONMENT));
  }
}
