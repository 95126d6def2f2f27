package io.vigil.engine.layer;

/**
 * A Jackson value filter that leaves out optional spec fields at their defaults ({@code 1} for
 * counts, {@code true} for switches), so specs without them serialise exactly as before the fields
 * existed and old model files keep their version hash.
 */
final class DefaultOne {

  @Override
  @SuppressWarnings("EqualsHashCode")
  public boolean equals(Object value) {
    return value == null || Integer.valueOf(1).equals(value) || Boolean.TRUE.equals(value);
  }

  @Override
  public int hashCode() {
    return 1;
  }
}
