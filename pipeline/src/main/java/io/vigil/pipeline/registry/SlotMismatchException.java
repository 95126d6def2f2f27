package io.vigil.pipeline.registry;

import java.util.List;

/**
 * A model refused for a slot because it does not fit: its input contract or its class list differs
 * from the serving model's. The message names both versions and every difference.
 */
public final class SlotMismatchException extends IllegalArgumentException {

  private final String candidateVersion;
  private final String servingVersion;
  private final List<String> differences;

  public SlotMismatchException(
      String candidateVersion, String servingVersion, List<String> differences) {
    super(
        candidateVersion
            + " does not fit the slot served by "
            + servingVersion
            + ": "
            + String.join("; ", differences));
    this.candidateVersion = candidateVersion;
    this.servingVersion = servingVersion;
    this.differences = List.copyOf(differences);
  }

  /** The version that was refused. */
  public String candidateVersion() {
    return candidateVersion;
  }

  /** The version serving the slot. */
  public String servingVersion() {
    return servingVersion;
  }

  /** One sentence per differing field, e.g. {@code "input height is 32, the slot's is 28"}. */
  public List<String> differences() {
    return differences;
  }
}
